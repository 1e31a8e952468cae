package dev.headroom.discovery;

import dev.headroom.core.discovery.DiscoveredMember;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Lookup;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Type;

/**
 * One resolution of a {@link DnsDiscovery}: asks the resolver for the records (no cache kept between resolutions, so
 * every answer is the server's and carries its own TTL) and turns them into members, or throws a
 * {@link DnsLookupException}.
 */
final class DnsLookup {
  /** The members and how long the records that gave them live (the smallest TTL among them). */
  record Answer(List<DiscoveredMember> members, Duration ttl) {}

  private final Name name;
  private final DnsDiscovery.Records records;
  private final int port;
  private final String scheme;
  private final Resolver resolver;
  private final boolean emptyIsValid;

  DnsLookup(Name name, DnsDiscovery.Records records, int port, String scheme, Resolver resolver,
      boolean emptyIsValid) {
    this.name = name;
    this.records = records;
    this.port = port;
    this.scheme = scheme;
    this.resolver = resolver;
    this.emptyIsValid = emptyIsValid;
  }

  /** Resolves once. */
  Answer run() {
    List<Record> answers = new ArrayList<>();
    switch (records) {
      case A -> answers.addAll(query(Type.A));
      case AAAA -> answers.addAll(query(Type.AAAA));
      case A_AND_AAAA -> {
        answers.addAll(query(Type.A));
        answers.addAll(query(Type.AAAA));
      }
      case SRV -> answers.addAll(query(Type.SRV));
      default -> throw new AssertionError(records);
    }
    List<DiscoveredMember> members = records == DnsDiscovery.Records.SRV ? fromSrv(answers) : fromAddresses(answers);
    if (members.isEmpty()) {
      if (!emptyIsValid) {
        throw new DnsLookupException(name + " has no " + records + " records", true);
      }
      return new Answer(List.of(), Duration.ZERO);
    }
    long ttl = answers.stream().mapToLong(Record::getTTL).min().orElse(0);
    return new Answer(members, Duration.ofSeconds(ttl));
  }

  /** The records of {@code type}; none when the name or the type does not exist; throws when the lookup failed. */
  private List<Record> query(int type) {
    Lookup lookup = new Lookup(name, type);
    lookup.setResolver(resolver);
    lookup.setCache(null); // a fresh cache for this lookup only: the TTLs are the server's, never a stale copy
    Record[] found = lookup.run();
    return switch (lookup.getResult()) {
      case Lookup.SUCCESSFUL -> List.of(found);
      case Lookup.HOST_NOT_FOUND, Lookup.TYPE_NOT_FOUND -> List.of();
      default -> throw new DnsLookupException(
          "lookup of " + name + " " + Type.string(type) + " failed: " + lookup.getErrorString(), false);
    };
  }

  private List<DiscoveredMember> fromAddresses(List<Record> answers) {
    Map<String, DiscoveredMember> members = new LinkedHashMap<>();
    for (Record record : answers) {
      String ip;
      if (record instanceof ARecord a) {
        ip = a.getAddress().getHostAddress();
      } else if (record instanceof AAAARecord aaaa) {
        ip = aaaa.getAddress().getHostAddress();
      } else {
        continue; // a CNAME on the way
      }
      String id = Addresses.hostPort(ip, port);
      members.putIfAbsent(id, new DiscoveredMember(id, Addresses.uri(scheme, ip, port), Map.of(), true));
    }
    return sorted(members);
  }

  private List<DiscoveredMember> fromSrv(List<Record> answers) {
    Map<String, DiscoveredMember> members = new LinkedHashMap<>();
    answers.stream().filter(SRVRecord.class::isInstance).map(SRVRecord.class::cast)
        .sorted(Comparator.comparingInt(SRVRecord::getPriority))
        .forEach(srv -> {
          if (srv.getTarget().equals(Name.root)) {
            return; // "." : the service is decidedly not available there
          }
          String host = srv.getTarget().toString(true);
          String id = Addresses.hostPort(host, srv.getPort());
          members.putIfAbsent(id, new DiscoveredMember(id, Addresses.uri(scheme, host, srv.getPort()),
              Map.of("priority", Integer.toString(srv.getPriority()), "weight", Integer.toString(srv.getWeight())),
              true));
        });
    return sorted(members);
  }

  private static List<DiscoveredMember> sorted(Map<String, DiscoveredMember> members) {
    return members.values().stream().sorted(Comparator.comparing(DiscoveredMember::id)).toList();
  }
}

package dev.headroom.spring.discovery;

import dev.headroom.core.discovery.DiscoverySource;
import dev.headroom.discovery.DnsDiscovery;
import dev.headroom.spring.PropertyErrors;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Builds a {@link DnsDiscovery} from {@code discovery.dns.*}; loaded only when headroom-discovery is present. */
final class DnsSources {
  private DnsSources() {}

  static DiscoverySource source(String at, DiscoveryProperties.Dns p) {
    DnsDiscovery.Records records;
    try {
      records = DnsDiscovery.Records.valueOf(p.records().trim().replace('-', '_').toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw PropertyErrors.invalid(at + ".records", p.records(), "must be one of a, aaaa, a-and-aaaa, srv");
    }
    List<InetSocketAddress> servers = new ArrayList<>();
    for (int i = 0; i < p.servers().size(); i++) {
      servers.add(server(at + ".servers[" + i + "]", p.servers().get(i)));
    }
    return PropertyErrors.at(at, () -> {
      DnsDiscovery.Builder b = DnsDiscovery.builder().name(p.name()).records(records).scheme(p.scheme())
          .minRefresh(p.minRefresh()).maxRefresh(p.maxRefresh()).emptyIsValid(p.emptyIsValid());
      if (p.port() != null) {
        b.port(p.port());
      }
      if (!servers.isEmpty()) {
        b.servers(servers);
      }
      return b.build();
    });
  }

  private static InetSocketAddress server(String at, String value) {
    int colon = value.lastIndexOf(':');
    try {
      if (colon < 0) {
        return new InetSocketAddress(value.trim(), 53);
      }
      String host = value.substring(0, colon).replace("[", "").replace("]", "").trim();
      return new InetSocketAddress(host, Integer.parseInt(value.substring(colon + 1).trim()));
    } catch (IllegalArgumentException e) {
      throw PropertyErrors.invalid(at, value, "must be host or host:port");
    }
  }
}

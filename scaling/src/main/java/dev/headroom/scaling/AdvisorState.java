package dev.headroom.scaling;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A snapshot of a {@link ScalingAdvisor} at its last sample: every rule, veto and schedule, for a health or info
 * endpoint ({@link #toMap()} gives plain maps and lists that any JSON writer can serialize). Immutable.
 *
 * @param at when the sample was taken ({@link Instant#EPOCH} before the first)
 * @param rules the rules, in configuration order
 * @param vetoes the vetoes
 * @param schedules the schedules
 * @param decisions the decisions, in configuration order
 */
public record AdvisorState(Instant at, List<RuleStatus> rules, List<VetoStatus> vetoes,
    List<ScheduleStatus> schedules, List<DecisionStatus> decisions) {

  /** Copies the lists. */
  public AdvisorState {
    rules = List.copyOf(rules);
    vetoes = List.copyOf(vetoes);
    schedules = List.copyOf(schedules);
    decisions = List.copyOf(decisions);
  }

  /** The decision that speaks for {@code service} now, if any. */
  public Optional<DecisionStatus> winningDecision(String service) {
    return decisions.stream().filter(d -> d.winning() && d.service().equals(service)).findFirst();
  }

  /** The rules that fire now. */
  public List<RuleStatus> firing() {
    return rules.stream().filter(RuleStatus::firing).toList();
  }

  /** The status of the rule named {@code name}. */
  public Optional<RuleStatus> rule(String name) {
    return rules.stream().filter(r -> r.rule().equals(name)).findFirst();
  }

  /** The vetoes active now. */
  public List<VetoStatus> activeVetoes() {
    return vetoes.stream().filter(VetoStatus::active).toList();
  }

  /** The schedules whose window is open now. */
  public List<ScheduleStatus> activeSchedules() {
    return schedules.stream().filter(ScheduleStatus::active).toList();
  }

  /**
   * Plain maps and lists: {@code at}, {@code firing} (rule names), {@code rules}, {@code vetoes},
   * {@code schedules}, and {@code decisions} when there are any.
   */
  public Map<String, Object> toMap() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("at", at.toString());
    out.put("firing", firing().stream().map(RuleStatus::rule).toList());
    out.put("rules", rules.stream().map(RuleStatus::toMap).toList());
    out.put("vetoes", vetoes.stream().map(VetoStatus::toMap).toList());
    out.put("schedules", schedules.stream().map(ScheduleStatus::toMap).toList());
    if (!decisions.isEmpty()) {
      out.put("decisions", decisions.stream().map(DecisionStatus::toMap).toList());
    }
    return out;
  }
}

package dev.registryoperator;

/**
 * What {@code /healthz} (liveness) and {@code /readyz} (readiness) answer, from the operator's
 * state. A standby replica (leader election on, another replica holds the lease) starts no
 * informers: it is alive and ready to take over, and says so. The leader, or the only replica, is
 * ready once every informer has synced and watches, and alive while they stay healthy.
 */
public record Health(int code, String body) {
  /** What the operator is doing now. */
  public record State(
      boolean started, boolean leaderElection, boolean leading, boolean informersHealthy) {
    boolean active() {
      return !leaderElection || leading;
    }
  }

  public static Health liveness(State s) {
    if (!s.started() || !s.active() || s.informersHealthy()) {
      return ok(s);
    }
    return new Health(503, "informers unhealthy");
  }

  public static Health readiness(State s) {
    if (!s.started()) {
      return new Health(503, "starting");
    }
    if (!s.active()) {
      return ok(s);
    }
    return s.informersHealthy() ? ok(s) : new Health(503, "informers not synced or not watching");
  }

  private static Health ok(State s) {
    if (!s.started()) {
      return new Health(200, "starting");
    }
    return new Health(200, !s.leaderElection() ? "ok" : s.leading() ? "ok: leader" : "ok: standby");
  }
}

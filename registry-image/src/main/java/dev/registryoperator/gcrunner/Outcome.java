package dev.registryoperator.gcrunner;

/** How a run ended: the process exit code and the {@code result} word of the report. */
public enum Outcome {
    SUCCEEDED(0, "Succeeded"),
    CONFIG_ERROR(2, "ConfigError"),
    FAILED(3, "Failed"),
    REFUSED(4, "Refused"),
    INTEGRITY_FAILED(5, "IntegrityFailed");

    private final int exitCode;
    private final String result;

    Outcome(int exitCode, String result) {
        this.exitCode = exitCode;
        this.result = result;
    }

    public int exitCode() {
        return exitCode;
    }

    public String result() {
        return result;
    }
}

package dev.registryoperator.gcrunner;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;

/**
 * The runner's report: one compact JSON object with a fixed key order, at most {@link #MAX_BYTES} bytes (the
 * Kubernetes termination message holds 4096). See the module README for every key.
 */
public final class GcReport {
    public static final int VERSION = 1;
    /** Below the 4 KiB termination-message limit, with room to spare. */
    public static final int MAX_BYTES = 4000;
    /** How long a message may stay when the report is too big, before missing digests are dropped. */
    private static final int SHORT_MESSAGE_BYTES = 1024;
    private static final int MAX_SHORT_STRING = 64;
    private static final JsonFactory JSON = new JsonFactory();

    public Outcome outcome = Outcome.SUCCEEDED;
    public String message = "";
    public boolean dryRun;
    public boolean deleteUntagged;
    public String storageDriver = "";
    public boolean bytesMeasured;
    public String registryVersion = "unknown";
    public long blobsMarked;
    public long blobsEligible;
    public long manifestsEligible;
    public long eligibleBytes;
    public long blobsDeleted;
    public long manifestsDeleted;
    public long reclaimedBytes;
    public double durationSeconds;
    public IntegrityResult integrity = IntegrityResult.NOT_CHECKED;

    public GcReport outcome(Outcome outcome, String message) {
        this.outcome = outcome;
        this.message = message == null ? "" : message;
        return this;
    }

    /**
     * The JSON. When it would exceed {@link #MAX_BYTES}: the message is first cut to {@link #SHORT_MESSAGE_BYTES},
     * then missing digests are dropped from the end, then the message is cut further.
     */
    public String toJson() {
        List<String> missing = new ArrayList<>(integrity.missingDigests());
        String text = message;
        String json = render(text, missing);
        if (size(json) <= MAX_BYTES) {
            return json;
        }
        if (text.getBytes(UTF_8).length > SHORT_MESSAGE_BYTES) {
            text = cut(text, SHORT_MESSAGE_BYTES);
            json = render(text, missing);
        }
        while (size(json) > MAX_BYTES && !missing.isEmpty()) {
            missing.remove(missing.size() - 1);
            json = render(text, missing);
        }
        if (size(json) > MAX_BYTES) {
            // Escapes (quotes, control characters) can make the JSON much longer than the text: search the
            // longest prefix that fits.
            int fits = 0;
            int tooLong = text.length();
            while (tooLong - fits > 1) {
                int middle = (fits + tooLong) >>> 1;
                if (size(render(prefix(text, middle), missing)) <= MAX_BYTES) {
                    fits = middle;
                } else {
                    tooLong = middle;
                }
            }
            json = render(prefix(text, fits), missing);
        }
        return json;
    }

    private static String prefix(String text, int end) {
        if (end > 0 && Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        return end == 0 ? "" : text.substring(0, end) + "...";
    }

    /** The longest prefix of {@code text} of at most {@code maxBytes} UTF-8 bytes, followed by "...". */
    private static String cut(String text, int maxBytes) {
        int bytes = 0;
        int end = 0;
        while (end < text.length()) {
            int codePoint = text.codePointAt(end);
            int length = codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
            if (bytes + length > maxBytes) {
                break;
            }
            bytes += length;
            end += Character.charCount(codePoint);
        }
        return text.substring(0, end) + "...";
    }

    private static int size(String json) {
        return json.getBytes(UTF_8).length;
    }

    private String render(String text, List<String> missing) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeNumberField("version", VERSION);
            g.writeStringField("result", outcome.result());
            g.writeNumberField("exitCode", outcome.exitCode());
            g.writeStringField("message", text);
            g.writeBooleanField("dryRun", dryRun);
            g.writeBooleanField("deleteUntagged", deleteUntagged);
            g.writeStringField("storageDriver", shorten(storageDriver));
            g.writeBooleanField("bytesMeasured", bytesMeasured);
            g.writeStringField("registryVersion", shorten(registryVersion));
            g.writeNumberField("blobsMarked", blobsMarked);
            g.writeNumberField("blobsEligible", blobsEligible);
            g.writeNumberField("manifestsEligible", manifestsEligible);
            g.writeNumberField("eligibleBytes", eligibleBytes);
            g.writeNumberField("blobsDeleted", blobsDeleted);
            g.writeNumberField("manifestsDeleted", manifestsDeleted);
            g.writeNumberField("reclaimedBytes", reclaimedBytes);
            g.writeFieldName("durationSeconds");
            g.writeNumber(BigDecimal.valueOf(durationSeconds).setScale(3, RoundingMode.HALF_UP));
            g.writeObjectFieldStart("integrity");
            g.writeBooleanField("checked", integrity.checked());
            g.writeNumberField("manifests", integrity.manifests());
            g.writeNumberField("blobs", integrity.blobs());
            g.writeNumberField("missing", integrity.missing());
            g.writeArrayFieldStart("missingDigests");
            for (String digest : missing) {
                g.writeString(digest);
            }
            g.writeEndArray();
            g.writeEndObject();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(UTF_8);
    }

    private static String shorten(String value) {
        if (value == null) {
            return "";
        }
        return value.length() <= MAX_SHORT_STRING ? value : value.substring(0, MAX_SHORT_STRING);
    }
}

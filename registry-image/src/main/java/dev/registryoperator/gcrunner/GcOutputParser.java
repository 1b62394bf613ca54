package dev.registryoperator.gcrunner;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the stdout of {@code registry garbage-collect}, line by line as it streams. Understands
 * distribution 2.8 (eligible manifests follow their repository's header line) and 3.x (eligible
 * manifests printed as {@code {repo digest [tags]}} after the mark phase, index children marked
 * under their index, {@code repo: layer link eligible for deletion: digest} after the eligible
 * blobs, {@code manifest tags path of repository repo does not exist}). 3.x's {@code -q} silences
 * every stdout line, the summary too: such a run parses as one without a summary. Not thread-safe:
 * feed it from one thread.
 */
public final class GcOutputParser {
  private static final String MARKING_MANIFEST = ": marking manifest ";
  private static final String MARKING_BLOB = ": marking blob ";
  private static final String BLOB_ELIGIBLE = "blob eligible for deletion: ";
  private static final String MANIFEST_ELIGIBLE = "manifest eligible for deletion: ";
  private static final String LAYER_LINK_ELIGIBLE = ": layer link eligible for deletion: ";
  private static final Pattern SUMMARY =
      Pattern.compile(
          "(\\d+) blobs marked, (\\d+) blobs and (\\d+) manifests eligible for deletion");
  private static final Pattern V3_MANIFEST = Pattern.compile("\\{(\\S+) (\\S+) \\[.*]}");

  /** A repository name: path components separated by {@code .}, {@code _}, {@code __} or dashes. */
  private static final Pattern REPOSITORY =
      Pattern.compile(
          "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*");

  private final boolean collectReferences;
  private final Set<String> eligibleBlobs = new LinkedHashSet<>();
  private final List<EligibleManifest> eligibleManifests = new ArrayList<>();
  private final List<String> eligibleLayerLinks = new ArrayList<>();
  private final Map<String, Map<String, Set<String>>> markedReferences = new LinkedHashMap<>();
  private String currentRepository;
  private Set<String> currentReferences;
  private boolean summarySeen;
  private long blobsMarked;
  private long blobsEligible;
  private long manifestsEligible;
  private long unrecognized;

  /**
   * @param collectReferences keep, for each marked manifest, what it marked (for the output-based
   *     safety check)
   */
  public GcOutputParser(boolean collectReferences) {
    this.collectReferences = collectReferences;
  }

  public static GcOutput parseAll(String stdout, boolean collectReferences) {
    GcOutputParser parser = new GcOutputParser(collectReferences);
    stdout.lines().forEach(parser::accept);
    return parser.result();
  }

  public void accept(String rawLine) {
    String line = rawLine.strip();
    if (line.isEmpty()) {
      return;
    }
    if (line.startsWith(BLOB_ELIGIBLE)) {
      eligibleBlobs.add(line.substring(BLOB_ELIGIBLE.length()).strip());
      return;
    }
    if (line.startsWith(MANIFEST_ELIGIBLE)) {
      acceptEligibleManifest(line.substring(MANIFEST_ELIGIBLE.length()).strip());
      return;
    }
    int marking = line.indexOf(MARKING_MANIFEST);
    if (marking > 0) {
      currentRepository = line.substring(0, marking);
      if (collectReferences) {
        currentReferences =
            markedReferences
                .computeIfAbsent(currentRepository, r -> new LinkedHashMap<>())
                .computeIfAbsent(
                    currentRepository
                        + "@"
                        + line.substring(marking + MARKING_MANIFEST.length()).strip(),
                    d -> new LinkedHashSet<>());
      }
      return;
    }
    int blob = line.indexOf(MARKING_BLOB);
    if (blob > 0) {
      if (collectReferences && currentReferences != null) {
        currentReferences.add(line.substring(blob + MARKING_BLOB.length()).strip());
      }
      return;
    }
    int layerLink = line.indexOf(LAYER_LINK_ELIGIBLE);
    if (layerLink > 0) {
      eligibleLayerLinks.add(
          line.substring(0, layerLink)
              + "@"
              + line.substring(layerLink + LAYER_LINK_ELIGIBLE.length()).strip());
      return;
    }
    Matcher summary = SUMMARY.matcher(line);
    if (summary.matches()) {
      summarySeen = true;
      blobsMarked = Long.parseLong(summary.group(1));
      blobsEligible = Long.parseLong(summary.group(2));
      manifestsEligible = Long.parseLong(summary.group(3));
      return;
    }
    if (line.startsWith("manifest tags path of repository ")) {
      return;
    }
    if (REPOSITORY.matcher(line).matches()) {
      currentRepository = line;
      currentReferences = null;
      return;
    }
    unrecognized++;
  }

  private void acceptEligibleManifest(String rest) {
    Matcher v3 = V3_MANIFEST.matcher(rest);
    if (v3.matches()) {
      eligibleManifests.add(new EligibleManifest(v3.group(1), v3.group(2)));
    } else {
      eligibleManifests.add(new EligibleManifest(currentRepository, rest));
    }
  }

  public GcOutput result() {
    return new GcOutput(
        summarySeen,
        blobsMarked,
        blobsEligible,
        manifestsEligible,
        List.copyOf(eligibleBlobs),
        List.copyOf(eligibleManifests),
        markedReferences,
        List.copyOf(eligibleLayerLinks),
        unrecognized);
  }
}

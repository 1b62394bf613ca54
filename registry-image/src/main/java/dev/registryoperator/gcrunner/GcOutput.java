package dev.registryoperator.gcrunner;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one {@code garbage-collect} run printed on stdout.
 *
 * @param summarySeen whether the {@code N blobs marked, ...} line was printed
 * @param blobsMarked N of that line
 * @param blobsEligibleCount M of that line
 * @param manifestsEligibleCount K of that line
 * @param eligibleBlobs digests of {@code blob eligible for deletion:} lines, without duplicates
 * @param eligibleManifests {@code manifest eligible for deletion:} lines, with their repository
 * @param markedReferences per repository, per marked manifest ({@code repo@digest}), the references
 *     marked with it (only when asked)
 * @param layerLinksEligible count of {@code layer link eligible for deletion} lines (registry 3.x)
 * @param unrecognizedLines count of lines the parser did not recognise
 */
public record GcOutput(
    boolean summarySeen,
    long blobsMarked,
    long blobsEligibleCount,
    long manifestsEligibleCount,
    List<String> eligibleBlobs,
    List<EligibleManifest> eligibleManifests,
    Map<String, Map<String, Set<String>>> markedReferences,
    long layerLinksEligible,
    long unrecognizedLines) {}

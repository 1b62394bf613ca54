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
 *     marked with it (only when asked). 2.8 prints every direct reference of each marked manifest,
 *     marked before or not; 3.x prints a digest only the first time it is marked in the run, and
 *     under an index also its children's references: there a manifest's set is what it marked first
 * @param eligibleLayerLinks {@code repo@digest} of each {@code repo: layer link eligible for
 *     deletion: digest} line (registry 3.x), in output order
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
    List<String> eligibleLayerLinks,
    long unrecognizedLines) {}

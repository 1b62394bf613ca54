package dev.registryoperator.gcrunner;

import java.util.Set;

/**
 * A tagged manifest and everything it references, transitively.
 *
 * @param tag the tag and its current manifest
 * @param index whether that manifest is an OCI index or a Docker manifest list
 * @param childManifests manifests reachable through {@code manifests[]}, at any depth (not the
 *     tagged one)
 * @param blobs config and layer blobs of the tagged manifest and of every child
 * @param unreadable manifests (the tagged one or children) whose data exists but could not be read
 *     or parsed
 */
public record TaggedImage(
    TaggedManifest tag,
    boolean index,
    Set<String> childManifests,
    Set<String> blobs,
    Set<String> unreadable) {}

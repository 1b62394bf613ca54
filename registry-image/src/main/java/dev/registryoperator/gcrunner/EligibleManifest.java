package dev.registryoperator.gcrunner;

/**
 * A manifest that {@code garbage-collect --delete-untagged} lists for deletion.
 *
 * @param repository its repository, or null when the output did not say
 * @param digest the manifest digest
 */
public record EligibleManifest(String repository, String digest) {}

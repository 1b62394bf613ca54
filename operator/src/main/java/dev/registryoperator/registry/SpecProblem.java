package dev.registryoperator.registry;

/** Why a Registry cannot be reconciled, in words that say what to fix. */
public record SpecProblem(RegistryReason reason, String message) {}

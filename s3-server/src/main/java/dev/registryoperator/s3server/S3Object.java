package dev.registryoperator.s3server;

/** An object in a bucket: its key and its size in bytes. */
public record S3Object(String key, long size) {}

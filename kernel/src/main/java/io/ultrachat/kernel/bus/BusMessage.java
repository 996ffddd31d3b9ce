package io.ultrachat.kernel.bus;

/** One message as delivered: its concrete subject and its bytes (do not modify them). */
public record BusMessage(String subject, byte[] payload) {}

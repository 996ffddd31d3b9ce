package io.ultrachat.gateway;

import java.util.function.BooleanSupplier;

/**
 * One dependency that must answer for the node to take traffic (the database, later the bus).
 * The check may block briefly; the gateway runs it on a virtual thread.
 */
public record ReadinessCheck(String name, BooleanSupplier check) {}

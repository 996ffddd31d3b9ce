package io.ultrachat.kernel.queue;

import java.time.Instant;

/**
 * A job that will not be handed out again: its handler failed it permanently or it used up
 * its attempts. Kept for operators (inspection, manual replay) and tests.
 *
 * @param jobId the {@link Job#id()} it had
 * @param attempts how many attempts were made
 * @param reason why it was given up, from the last attempt
 * @param at when it was dead-lettered
 */
public record DeadLetter(String jobId, String queue, byte[] payload, int attempts, String reason, Instant at) {}

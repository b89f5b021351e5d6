package io.auditrelay.cadf;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * New event ids: random (version 4) UUIDs from a cryptographically strong generator, as {@link
 * UUID#randomUUID()} makes them, without its cost under concurrency.
 *
 * <p>{@code UUID.randomUUID()} takes the JDK's shared {@code NativePRNG} for 16 bytes at a time,
 * behind two locks and a read of the kernel's generator; with a few threads recording at once on a
 * small machine, one id costs well over 1 µs of CPU. Here the bytes come from a {@code DRBG}
 * ({@code SecureRandom.getInstance("DRBG")}, NIST SP 800-90A, seeded by the JDK from the system's
 * entropy) in blocks of {@value #BLOCK} bytes, held in a few independently locked stripes: a thread
 * takes a stripe at random and copies 16 bytes under its lock.
 *
 * <p>Thread-safe.
 */
final class EventIds {

  /** Bytes fetched from the generator at once, per stripe: {@value} (64 ids). */
  static final int BLOCK = 1024;

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
  private static final SecureRandom RANDOM = strong();
  private static final Stripe[] STRIPES = stripes();

  private EventIds() {}

  /** A new random UUID, lower case with dashes. */
  static String next() {
    Stripe stripe = STRIPES[ThreadLocalRandom.current().nextInt(STRIPES.length)];
    long high;
    long low;
    synchronized (stripe) {
      if (stripe.at == BLOCK) {
        RANDOM.nextBytes(stripe.bytes);
        stripe.at = 0;
      }
      high = (long) LONGS.get(stripe.bytes, stripe.at);
      low = (long) LONGS.get(stripe.bytes, stripe.at + 8);
      stripe.at += 16;
    }
    // Version 4 and the IETF variant, as UUID.randomUUID() sets them.
    high = high & ~0xF000L | 0x4000L;
    low = low & 0x3FFFFFFFFFFFFFFFL | 0x8000000000000000L;
    return new UUID(high, low).toString();
  }

  private static SecureRandom strong() {
    try {
      return SecureRandom.getInstance("DRBG");
    } catch (NoSuchAlgorithmException e) {
      return new SecureRandom(); // a JDK without the DRBG provider: its default strong generator
    }
  }

  private static Stripe[] stripes() {
    Stripe[] stripes = new Stripe[2 * Runtime.getRuntime().availableProcessors()];
    for (int i = 0; i < stripes.length; i++) {
      stripes[i] = new Stripe();
    }
    return stripes;
  }

  /** Random bytes not handed out yet: {@code bytes[at..]}; guarded by the stripe itself. */
  private static final class Stripe {
    final byte[] bytes = new byte[BLOCK];
    int at = BLOCK;
  }
}

package io.auditrelay.boot.web;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/** Addresses and CIDR ranges whose {@code X-Forwarded-For} is believed. Immutable. */
final class TrustedProxies {

  private record Range(byte[] network, int prefix) {}

  private final List<Range> ranges = new ArrayList<>();

  TrustedProxies(List<String> entries) {
    for (String entry : entries) {
      String[] parts = entry.trim().split("/", 2);
      byte[] address = literal(parts[0], entry);
      int prefix = parts.length == 2 ? Integer.parseInt(parts[1]) : address.length * 8;
      if (prefix < 0 || prefix > address.length * 8) {
        throw new IllegalArgumentException(
            "audit.web.trusted-proxies: invalid prefix length in '" + entry + "'");
      }
      ranges.add(new Range(address, prefix));
    }
  }

  boolean isEmpty() {
    return ranges.isEmpty();
  }

  boolean contains(String address) {
    byte[] candidate;
    try {
      candidate = literal(address, address);
    } catch (IllegalArgumentException e) {
      return false;
    }
    for (Range range : ranges) {
      if (range.network().length == candidate.length && matches(range, candidate)) {
        return true;
      }
    }
    return false;
  }

  private static boolean matches(Range range, byte[] candidate) {
    int bits = range.prefix();
    for (int i = 0; bits > 0; i++, bits -= 8) {
      int mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
      if ((range.network()[i] & mask) != (candidate[i] & mask)) {
        return false;
      }
    }
    return true;
  }

  /** Parses an IP literal without any DNS lookup. */
  private static byte[] literal(String text, String entry) {
    String t = text.trim();
    boolean looksLiteral = t.matches("[0-9.]+") || (t.contains(":") && t.matches("[0-9a-fA-F:.]+"));
    if (!looksLiteral) {
      throw new IllegalArgumentException(
          "audit.web.trusted-proxies: '" + entry + "' is not an IP address or CIDR range");
    }
    try {
      return InetAddress.getByName(t).getAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(
          "audit.web.trusted-proxies: '" + entry + "' is not an IP address or CIDR range", e);
    }
  }
}

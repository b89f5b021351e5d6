package io.auditrelay.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A TCP proxy between the client and the broker, for outages the test controls: {@link #cut()}
 * resets every connection and refuses new ones (a stopped broker), {@link #restore()} accepts again
 * on the same port, {@link #cutAfter(long)} cuts in the middle of a frame, {@link #blackHole()}
 * keeps sockets open but forwards nothing, and {@link #delayResponses(long)} holds back every
 * broker-to-client chunk (late confirms).
 */
public final class TcpProxy implements AutoCloseable {

  private final String targetHost;
  private final int targetPort;
  private final int port;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private volatile ServerSocket server;
  private volatile boolean blackHole;
  private volatile long responseDelayMillis;

  /** Client-to-broker bytes still let through before a cut; negative: no cut pending. */
  private final java.util.concurrent.atomic.AtomicLong bytesBeforeCut =
      new java.util.concurrent.atomic.AtomicLong(-1);

  public TcpProxy(String targetHost, int targetPort) {
    this.targetHost = targetHost;
    this.targetPort = targetPort;
    this.port = freePortBelowEphemeralRange();
  }

  /**
   * A free port below Linux's ephemeral range (32768 and up). While the proxy refuses connections,
   * a client that keeps reconnecting (a connection pool) could otherwise be given the proxy's own
   * port as its local port and connect to itself (a TCP self-connect), which holds the port so that
   * {@link #restore()} cannot bind it again.
   */
  private static int freePortBelowEphemeralRange() {
    java.util.SplittableRandom random = new java.util.SplittableRandom();
    for (int attempt = 0; attempt < 200; attempt++) {
      int candidate = 20_000 + random.nextInt(12_000);
      try (ServerSocket probe = new ServerSocket()) {
        probe.setReuseAddress(true);
        probe.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), candidate));
        return candidate;
      } catch (IOException e) {
        // taken: try another
      }
    }
    throw new IllegalStateException("no free port between 20000 and 32000");
  }

  /**
   * A free port on the loopback interface below the ephemeral range, for servers a test starts (a
   * port in that range may be taken by an outgoing connection by the time the server binds it).
   */
  public static int freePort() {
    return freePortBelowEphemeralRange();
  }

  /** A proxy to {@code broker}; starts accepting at once. */
  public static TcpProxy to(AmqpBroker broker) {
    TcpProxy proxy = new TcpProxy(broker.host(), broker.port());
    proxy.restore();
    return proxy;
  }

  /** A proxy to {@code broker} that refuses connections until {@link #restore()}. */
  public static TcpProxy refusingTo(AmqpBroker broker) {
    return new TcpProxy(broker.host(), broker.port());
  }

  public int port() {
    return port;
  }

  /** Accepts and forwards connections again (also ends a black hole, a delay, a pending cut). */
  public synchronized void restore() {
    blackHole = false;
    responseDelayMillis = 0;
    bytesBeforeCut.set(-1);
    if (server != null) {
      return;
    }
    try {
      ServerSocket socket = bindWithin(java.time.Duration.ofSeconds(10));
      server = socket;
      Thread acceptor = new Thread(() -> accept(socket), "tcp-proxy-accept-" + port);
      acceptor.setDaemon(true);
      acceptor.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Binds the proxy's port again. Right after {@link #cut()} the kernel may still hold it for a
   * moment (connections being torn down), so the bind is retried for a while.
   */
  private ServerSocket bindWithin(java.time.Duration patience) throws IOException {
    long deadline = System.nanoTime() + patience.toNanos();
    while (true) {
      ServerSocket socket = new ServerSocket();
      try {
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        return socket;
      } catch (java.net.BindException e) {
        socket.close();
        if (System.nanoTime() - deadline > 0) {
          throw e;
        }
        java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
      }
    }
  }

  /** Resets every open connection and refuses new ones: the broker is gone. */
  public synchronized void cut() {
    if (server != null) {
      closeQuietly(server);
      server = null;
    }
    for (Socket socket : sockets) {
      try {
        socket.setSoLinger(true, 0); // RST, not FIN
      } catch (SocketException e) {
        // already closed
      }
      closeQuietly(socket);
    }
    sockets.clear();
  }

  /**
   * Starts a daemon thread that cuts the proxy and restores it at random moments (up 200 to 600 ms,
   * down 100 to 400 ms), until the JVM ends or the thread is interrupted.
   */
  public Thread flapRandomly(long seed) {
    Thread flapper =
        new Thread(
            () -> {
              java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
              while (!Thread.currentThread().isInterrupted()) {
                java.util.concurrent.locks.LockSupport.parkNanos(
                    (200 + random.nextInt(400)) * 1_000_000L);
                cut();
                java.util.concurrent.locks.LockSupport.parkNanos(
                    (100 + random.nextInt(300)) * 1_000_000L);
                restore();
              }
            },
            "flapper");
    flapper.setDaemon(true);
    flapper.start();
    return flapper;
  }

  /** Keeps connections open and accepts new ones, but forwards nothing in either direction. */
  public void blackHole() {
    blackHole = true;
  }

  /**
   * Forwards {@code bytes} more bytes from the client to the broker, then {@link #cut()}s: the
   * broker sees a frame end in the middle.
   */
  public void cutAfter(long bytes) {
    bytesBeforeCut.set(bytes);
  }

  /** Whether a {@link #cutAfter(long)} has not happened yet. */
  public boolean cutPending() {
    return bytesBeforeCut.get() >= 0;
  }

  /** Delays every chunk from the broker to the client by {@code millis}. */
  public void delayResponses(long millis) {
    responseDelayMillis = millis;
  }

  private void accept(ServerSocket socket) {
    while (!socket.isClosed()) {
      try {
        Socket client = socket.accept();
        Socket upstream = new Socket(targetHost, targetPort);
        synchronized (this) {
          if (server != socket) { // cut() ran while this connection was being set up
            closeQuietly(client);
            closeQuietly(upstream);
            continue;
          }
          sockets.add(client);
          sockets.add(upstream);
        }
        pump(client, upstream, false);
        pump(upstream, client, true);
      } catch (IOException e) {
        // server socket closed by cut(), or the broker refused: the client sees a reset
      }
    }
  }

  private void pump(Socket from, Socket to, boolean response) {
    Thread thread =
        new Thread(
            () -> {
              byte[] buffer = new byte[16384];
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                  while (blackHole && !from.isClosed()) {
                    TimeUnit.MILLISECONDS.sleep(10); // test double: hold the bytes
                  }
                  long delay = response ? responseDelayMillis : 0;
                  if (delay > 0) {
                    TimeUnit.MILLISECONDS.sleep(delay); // test double: a slow broker
                  }
                  long allowance = response ? -1 : bytesBeforeCut.get();
                  if (allowance >= 0 && n >= allowance) {
                    bytesBeforeCut.set(-1);
                    out.write(buffer, 0, (int) allowance);
                    out.flush();
                    cut();
                    return;
                  }
                  if (allowance >= 0) {
                    bytesBeforeCut.addAndGet(-n);
                  }
                  out.write(buffer, 0, n);
                  out.flush();
                }
              } catch (IOException | InterruptedException e) {
                // connection ended
              } finally {
                closeQuietly(from);
                closeQuietly(to);
                sockets.remove(from);
                sockets.remove(to);
              }
            },
            "tcp-proxy-pump-" + port);
    thread.setDaemon(true);
    thread.start();
  }

  private static void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception e) {
      // best effort
    }
  }

  @Override
  public void close() {
    cut();
  }
}

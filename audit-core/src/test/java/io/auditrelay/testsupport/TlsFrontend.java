package io.auditrelay.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * A TLS server with a key store of the test's making, in front of a plain AMQP broker: it
 * terminates TLS (requiring a client certificate if asked) and forwards the bytes. Used where no
 * RabbitMQ node can be started (a laptop), before the embedded Qpid Broker-J; the handshake the
 * client performs is the JDK's real one. {@link #handshakeFailures()} lists what the server side
 * saw.
 */
final class TlsFrontend implements AutoCloseable {

  private final SSLServerSocket server;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private final List<String> handshakeFailures = new CopyOnWriteArrayList<>();

  TlsFrontend(TestPki.Issued serverKey, TestPki clientCa, AmqpBroker target) {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      TrustManagerFactory trust = null;
      if (clientCa != null) {
        java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setCertificateEntry("ca", clientCa.caCertificate());
        trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
      }
      context.init(
          serverKey.keyManagers().getKeyManagers(),
          trust == null ? null : trust.getTrustManagers(),
          null);
      server =
          (SSLServerSocket)
              context
                  .getServerSocketFactory()
                  .createServerSocket(TcpProxy.freePort(), 50, InetAddress.getLoopbackAddress());
      server.setNeedClientAuth(clientCa != null);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    Thread acceptor =
        new Thread(
            () -> {
              while (!server.isClosed()) {
                try {
                  SSLSocket client = (SSLSocket) server.accept();
                  sockets.add(client);
                  daemon(() -> serve(client, target));
                } catch (IOException e) {
                  // closed
                }
              }
            },
            "tls-frontend-" + server.getLocalPort());
    acceptor.setDaemon(true);
    acceptor.start();
  }

  private void serve(SSLSocket client, AmqpBroker target) {
    try {
      client.startHandshake();
    } catch (IOException e) {
      handshakeFailures.add(e.toString());
      close(client);
      return;
    }
    try {
      Socket broker = new Socket(target.host(), target.port());
      sockets.add(broker);
      daemon(() -> pump(client, broker));
      pump(broker, client);
    } catch (IOException e) {
      close(client);
    }
  }

  private static void daemon(Runnable task) {
    Thread thread = new Thread(task, "tls-frontend-pump");
    thread.setDaemon(true);
    thread.start();
  }

  private void pump(Socket from, Socket to) {
    try (InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream()) {
      in.transferTo(out);
    } catch (IOException e) {
      // one side closed
    } finally {
      close(from);
      close(to);
    }
  }

  private void close(Socket socket) {
    sockets.remove(socket);
    try {
      socket.close();
    } catch (IOException e) {
      // already closed
    }
  }

  int port() {
    return server.getLocalPort();
  }

  List<String> handshakeFailures() {
    return handshakeFailures;
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException e) {
      // already closed
    }
    sockets.forEach(this::close);
  }
}

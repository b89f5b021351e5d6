package io.auditrelay.testsupport;

import io.auditrelay.store.BackingStore;
import io.auditrelay.store.Claim;
import io.auditrelay.store.SerializedEvent;
import io.auditrelay.store.StoreStats;
import java.util.List;

/**
 * A store that forwards every call to another; tests override the calls they make fail, slow or
 * observed.
 */
public class ForwardingBackingStore implements BackingStore {

  protected final BackingStore delegate;

  public ForwardingBackingStore(BackingStore delegate) {
    this.delegate = delegate;
  }

  @Override
  public String type() {
    return delegate.type();
  }

  @Override
  public boolean durable() {
    return delegate.durable();
  }

  @Override
  public void append(List<SerializedEvent> batch) {
    delegate.append(batch);
  }

  @Override
  public Claim claim(int max) {
    return delegate.claim(max);
  }

  @Override
  public boolean claimsStayValid() {
    return delegate.claimsStayValid();
  }

  @Override
  public void acknowledge(Claim claim) {
    delegate.acknowledge(claim);
  }

  @Override
  public void release(Claim claim) {
    delegate.release(claim);
  }

  @Override
  public void release(Claim claim, String reason) {
    delegate.release(claim, reason);
  }

  @Override
  public void quarantine(Claim claim, String reason) {
    delegate.quarantine(claim, reason);
  }

  @Override
  public void reject(Claim claim, String reason) {
    delegate.reject(claim, reason);
  }

  @Override
  public List<io.auditrelay.store.QuarantinedEvent> quarantined(long after, int limit) {
    return delegate.quarantined(after, limit);
  }

  @Override
  public boolean requeue(long key) {
    return delegate.requeue(key);
  }

  @Override
  public boolean deleteQuarantined(long key, String reason) {
    return delegate.deleteQuarantined(key, reason);
  }

  @Override
  public StoreStats stats() {
    return delegate.stats();
  }

  @Override
  public boolean isEmpty() {
    return delegate.isEmpty();
  }

  @Override
  public void observe(io.auditrelay.store.StoreObserver observer) {
    delegate.observe(observer);
  }

  @Override
  public java.util.Optional<EventLimit> largestEvent() {
    return delegate.largestEvent();
  }

  @Override
  public void close() {
    delegate.close();
  }
}

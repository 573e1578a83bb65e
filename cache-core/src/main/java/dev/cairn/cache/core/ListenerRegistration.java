package dev.cairn.cache.core;

/** A listener's registration with a cache; cancelling it stops further deliveries. */
@FunctionalInterface
public interface ListenerRegistration {

  /** Stops delivering events to the listener. Events already queued may still arrive. */
  void cancel();
}

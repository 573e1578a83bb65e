package dev.cairn.cache.jcache.example;

import java.util.concurrent.TimeUnit;
import javax.cache.configuration.Factory;
import javax.cache.expiry.Duration;
import javax.cache.expiry.ExpiryPolicy;
import javax.cache.expiry.TouchedExpiryPolicy;

/** An expiry policy factory named by {@code expiry.factory}: sessions live 30 minutes idle. */
public class SessionExpiryFactory implements Factory<ExpiryPolicy> {

  private static final long serialVersionUID = 1L;

  @Override
  public ExpiryPolicy create() {
    return new TouchedExpiryPolicy(new Duration(TimeUnit.MINUTES, 30));
  }
}

package dev.cairn.cache.jcache.example;

import javax.cache.configuration.Factory;

/** A factory of the wrong thing, for the test that {@code expiry.factory} is checked. */
public class NotAnExpiryFactory implements Factory<String> {

  private static final long serialVersionUID = 1L;

  @Override
  public String create() {
    return "not an expiry policy";
  }
}

package dev.cairn.cache.spring;

import java.util.Objects;

/**
 * A cache declared under {@code cairn.cache} that cannot be created as declared: a value out of
 * range, settings that contradict each other, a class or bean that does not fit, or a tier that
 * cannot open. It names the property at fault, so that start-up fails with a message a user can
 * act on ({@link CairnCacheFailureAnalyzer} turns it into Spring Boot's failure report).
 */
public class InvalidCacheDeclarationException extends IllegalStateException {

  private static final long serialVersionUID = 1L;

  private final String property;
  private final transient Object value;
  private final String reason;
  private final String action;

  /**
   * Creates the exception.
   *
   * @param property the full name of the property at fault, such as
   *     {@code cairn.cache.caches.books.expiry.duration}
   * @param value the value it was given, or {@code null} when it was missing
   * @param reason what is wrong with it
   * @param action what the user can do
   * @param cause what failed underneath, or {@code null}
   */
  public InvalidCacheDeclarationException(String property, Object value, String reason,
      String action, Throwable cause) {
    super(property + (value == null ? "" : " = " + value) + ": " + reason + ". " + action, cause);
    this.property = Objects.requireNonNull(property, "property");
    this.value = value;
    this.reason = Objects.requireNonNull(reason, "reason");
    this.action = Objects.requireNonNull(action, "action");
  }

  /** Returns the full name of the property at fault. */
  public String getProperty() {
    return property;
  }

  /** Returns the value it was given, or {@code null} when it was missing. */
  public Object getValue() {
    return value;
  }

  /** Returns what is wrong with the property. */
  public String getReason() {
    return reason;
  }

  /** Returns what the user can do about it. */
  public String getAction() {
    return action;
  }
}

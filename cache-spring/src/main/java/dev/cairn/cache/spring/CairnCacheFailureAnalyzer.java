package dev.cairn.cache.spring;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Reports a cache declaration that failed start-up by the property at fault, what is wrong and
 * what to do, in place of the chain of bean-creation exceptions Spring would print.
 */
class CairnCacheFailureAnalyzer extends AbstractFailureAnalyzer<InvalidCacheDeclarationException> {

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure,
      InvalidCacheDeclarationException cause) {
    StringBuilder description = new StringBuilder("A Cairn cache could not be created:")
        .append(System.lineSeparator()).append(System.lineSeparator())
        .append("    Property: ").append(cause.getProperty()).append(System.lineSeparator());
    if (cause.getValue() != null) {
      description.append("    Value: \"").append(cause.getValue()).append('"')
          .append(System.lineSeparator());
    }
    description.append("    Reason: ").append(cause.getReason());
    return new FailureAnalysis(description.toString(), cause.getAction(), cause);
  }
}

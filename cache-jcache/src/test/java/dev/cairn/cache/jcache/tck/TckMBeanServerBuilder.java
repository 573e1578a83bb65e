package dev.cairn.cache.jcache.tck;

import javax.management.MBeanServer;
import javax.management.MBeanServerBuilder;
import javax.management.MBeanServerDelegate;

/**
 * For the TCK only: the TCK finds the MBean server the provider registers in (the platform one)
 * by its id, which it reads from the system property {@code org.jsr107.tck.management.agentId};
 * this builder, named by {@code javax.management.builder.initial}, gives the platform server that
 * id.
 */
public final class TckMBeanServerBuilder extends MBeanServerBuilder {

  @Override
  public MBeanServer newMBeanServer(String defaultDomain, MBeanServer outer,
      MBeanServerDelegate delegate) {
    return super.newMBeanServer(defaultDomain, outer, new IdentifiedDelegate(delegate));
  }

  /** Answers with the TCK's agent id and otherwise passes everything to the JDK's delegate. */
  private static final class IdentifiedDelegate extends MBeanServerDelegate {
    private final MBeanServerDelegate delegate;

    IdentifiedDelegate(MBeanServerDelegate delegate) {
      this.delegate = delegate;
    }

    @Override
    public String getMBeanServerId() {
      return System.getProperty("org.jsr107.tck.management.agentId");
    }

    @Override
    public String getSpecificationName() {
      return delegate.getSpecificationName();
    }

    @Override
    public String getSpecificationVersion() {
      return delegate.getSpecificationVersion();
    }

    @Override
    public String getSpecificationVendor() {
      return delegate.getSpecificationVendor();
    }

    @Override
    public String getImplementationName() {
      return delegate.getImplementationName();
    }

    @Override
    public String getImplementationVersion() {
      return delegate.getImplementationVersion();
    }

    @Override
    public String getImplementationVendor() {
      return delegate.getImplementationVendor();
    }
  }
}

package dev.cairn.cache.jcache;

import java.lang.management.ManagementFactory;
import javax.cache.CacheException;
import javax.management.InstanceAlreadyExistsException;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

/**
 * Registers a cache's JSR-107 MXBeans in the platform MBean server under the names the
 * specification gives: {@code javax.cache:type=CacheConfiguration|CacheStatistics,
 * CacheManager=<uri>,Cache=<name>}.
 */
final class ManagementRegistry {

  enum Kind { CacheConfiguration, CacheStatistics }

  private ManagementRegistry() {
  }

  static void register(CairnCache<?, ?> cache, Kind kind) {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    ObjectName name = objectName(cache, kind);
    Object bean = kind == Kind.CacheConfiguration ? new CacheConfigurationBean(cache)
        : new CacheStatisticsBean(cache.engine());
    try {
      if (!server.isRegistered(name)) {
        server.registerMBean(bean, name);
      }
    } catch (InstanceAlreadyExistsException raced) {
      // Another thread enabled it at the same moment: registered either way.
    } catch (JMException e) {
      throw new CacheException("Cannot register the " + kind + " MXBean of cache '"
          + cache.getName() + "' as " + name, e);
    }
  }

  static void unregister(CairnCache<?, ?> cache, Kind kind) {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    ObjectName name = objectName(cache, kind);
    try {
      if (server.isRegistered(name)) {
        server.unregisterMBean(name);
      }
    } catch (InstanceNotFoundException raced) {
      // Unregistered by another thread at the same moment: gone either way.
    } catch (JMException e) {
      throw new CacheException("Cannot unregister the " + kind + " MXBean " + name, e);
    }
  }

  static ObjectName objectName(CairnCache<?, ?> cache, Kind kind) {
    String text = "javax.cache:type=" + kind + ",CacheManager="
        + safe(cache.getCacheManager().getURI().toString()) + ",Cache=" + safe(cache.getName());
    try {
      return new ObjectName(text);
    } catch (MalformedObjectNameException e) {
      throw new CacheException("Cannot name the MXBean of cache '" + cache.getName() + "': "
          + text, e);
    }
  }

  // ObjectName values may not hold these unquoted; JSR-107's convention replaces them with '.'.
  private static String safe(String value) {
    return value.replaceAll("[:=\n,]", ".");
  }
}

/**
 * The classes the test configuration files name: stand-ins for an application's own
 * ({@code com.example.*} in {@code docs/configuration.md}). They do nothing; reading a file only
 * checks that they exist and implement what their setting needs.
 */
package dev.cairn.cache.jcache.example;

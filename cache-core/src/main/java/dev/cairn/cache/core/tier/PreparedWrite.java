package dev.cairn.cache.core.tier;

/**
 * What a tier made of a value on the writer's thread in {@link LowerTier#prepare}, such as its
 * serialized bytes, carried with the write to the tier's {@link LowerTier#write} so the work is
 * not done twice. Only the tier that made it reads it; the engine only carries it.
 */
public interface PreparedWrite {
}

/**
 * The canonical model of a chat exchange: the superset every API format's codec decodes into and
 * encodes from, so a translation between two formats is one client codec and one provider codec
 * composed ({@code dev.aigw.translate.Composed}), not a class per pair.
 *
 * <p>Records and sealed interfaces only, immutable, no behaviour beyond small lookups (the one
 * reasoning-effort to thinking-budget table lives on {@link dev.aigw.translate.canonical.Reasoning.Effort}).
 * What a format has and the model has not travels as {@link dev.aigw.translate.canonical.Part.Opaque}
 * (a part) or {@link dev.aigw.translate.canonical.Extension} (a request field), tagged with the format
 * that wrote it: only that format's encoder reads it, every other encoder drops it with a warning.
 *
 * <p>Depends on Jackson only (JSON schemas, tool arguments and opaque values stay Jackson trees).
 * The shape is shared with codecs on other branches: add components and cases, do not rename.
 */
package dev.aigw.translate.canonical;

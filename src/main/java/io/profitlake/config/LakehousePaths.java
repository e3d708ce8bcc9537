package io.profitlake.config;

import java.io.File;
import java.net.URI;

/**
 * Paths of the lakehouse: local folders made absolute, object-store URIs kept as they are, and the
 * test that a location (as the metastore reports it) lies under the lakehouse root.
 */
public final class LakehousePaths {
  private LakehousePaths() {}

  /** A local path made absolute and normalised (the warehouse and table locations need one); URIs are kept. */
  public static String absolute(String path) {
    if (hasScheme(path)) {
      return path;
    }
    return new File(path).getAbsoluteFile().toPath().normalize().toString();
  }

  /** file:/x, s3a://b/x, hdfs://nn/x; not /x or x. */
  private static boolean hasScheme(String path) {
    return path.matches("[A-Za-z][A-Za-z0-9+.-]+:.*");
  }

  public static String child(String root, String name) {
    return root.endsWith("/") ? root + name : root + "/" + name;
  }

  /**
   * Whether {@code location} is {@code root} or lies below it. Both may be plain paths or URIs; a plain
   * path and a {@code file:} URI name the same place. {@code ..} segments are resolved first, so
   * {@code <root>/../elsewhere} is outside.
   */
  public static boolean isUnder(String location, String root) {
    URI where = uri(location);
    URI base = uri(root);
    if (!same(where.getScheme(), base.getScheme()) || !same(where.getAuthority(), base.getAuthority())) {
      return false;
    }
    String basePath = trimSlash(base.getPath());
    String path = trimSlash(where.getPath());
    return path.equals(basePath) || path.startsWith(basePath + "/");
  }

  private static URI uri(String location) {
    URI uri = hasScheme(location)
        ? URI.create(location.replace(" ", "%20"))
        : new File(location).toURI();
    uri = uri.normalize();
    // file:/x, file:///x and /x are the same folder.
    if (uri.getScheme() == null || "file".equals(uri.getScheme())) {
      return URI.create("file://" + uri.getRawPath());
    }
    return uri;
  }

  private static boolean same(String a, String b) {
    return a == null ? b == null || b.isEmpty() : a.equalsIgnoreCase(b == null ? "" : b);
  }

  private static String trimSlash(String path) {
    String p = path == null ? "" : path;
    while (p.length() > 1 && p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    return p;
  }
}

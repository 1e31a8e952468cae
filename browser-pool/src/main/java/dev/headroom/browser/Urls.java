package dev.headroom.browser;

/**
 * URLs as they may appear in exceptions and logs: scheme, host, port and path only. The user-info part
 * ({@code user:password@}) is dropped, and so are the query and the fragment, which often carry tokens
 * ({@code ?access_token=...}); a dropped query is shown as {@code ?…}.
 */
final class Urls {
  private Urls() {}

  static String redact(String url) {
    if (url == null) {
      return "null";
    }
    String rest = url;
    int cut = indexOfAny(rest, '?', '#');
    String suffix = "";
    if (cut >= 0) {
      suffix = rest.charAt(cut) == '?' ? "?…" : "";
      rest = rest.substring(0, cut);
    }
    int scheme = rest.indexOf("://");
    int authorityStart = scheme >= 0 ? scheme + 3 : 0;
    int authorityEnd = rest.indexOf('/', authorityStart);
    if (authorityEnd < 0) {
      authorityEnd = rest.length();
    }
    int at = rest.lastIndexOf('@', authorityEnd - 1);
    if (at >= authorityStart) {
      rest = rest.substring(0, authorityStart) + rest.substring(at + 1);
    }
    return rest + suffix;
  }

  private static int indexOfAny(String text, char a, char b) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == a || c == b) {
        return i;
      }
    }
    return -1;
  }
}

package dev.headroom.springhttp;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.client.ClientHttpResponse;

/** A reply read into memory and closed, so that it can outlive a retry and still be handed to the client. */
final class BufferedResponse implements ClientHttpResponse {
  /** The most of a reply body kept: an error page, not a download. */
  static final int MAX_BYTES = 1 << 20;

  private final HttpStatusCode status;
  private final String statusText;
  private final HttpHeaders headers;
  private final byte[] body;

  private BufferedResponse(HttpStatusCode status, String statusText, HttpHeaders headers, byte[] body) {
    this.status = status;
    this.statusText = statusText;
    this.headers = headers;
    this.body = body;
  }

  static BufferedResponse of(ClientHttpResponse response) throws IOException {
    try (response) {
      HttpHeaders headers = new HttpHeaders();
      headers.putAll(response.getHeaders());
      byte[] body = response.getBody().readNBytes(MAX_BYTES);
      return new BufferedResponse(response.getStatusCode(), response.getStatusText(), headers, body);
    }
  }

  int status() {
    return status.value();
  }

  String excerpt() {
    return new String(body, 0, Math.min(body.length, 512), StandardCharsets.UTF_8);
  }

  @Override
  public HttpStatusCode getStatusCode() {
    return status;
  }

  @Override
  public String getStatusText() {
    return statusText;
  }

  @Override
  public HttpHeaders getHeaders() {
    return headers;
  }

  @Override
  public InputStream getBody() {
    return new ByteArrayInputStream(body);
  }

  @Override
  public void close() {}
}

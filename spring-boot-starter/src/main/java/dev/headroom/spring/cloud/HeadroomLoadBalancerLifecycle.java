package dev.headroom.spring.cloud;

import dev.headroom.core.BackendException;
import dev.headroom.core.Lease;
import dev.headroom.core.http.RetryAfter;
import java.io.IOException;
import java.util.Optional;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.CompletionContext;
import org.springframework.cloud.client.loadbalancer.LoadBalancerLifecycle;
import org.springframework.cloud.client.loadbalancer.Request;
import org.springframework.cloud.client.loadbalancer.Response;
import org.springframework.cloud.client.loadbalancer.ResponseData;
import org.springframework.http.HttpHeaders;
import org.springframework.http.client.ClientHttpResponse;

/**
 * Gives each load-balanced request's outcome back to the Headroom lease it ran on: 2xx and 3xx a success, 429 and
 * 503 backpressure (the endpoint skipped for its {@code Retry-After}), another 4xx the request's fault, 5xx and
 * errors the endpoint's failure; a discarded request just returns its slot.
 */
final class HeadroomLoadBalancerLifecycle implements LoadBalancerLifecycle<Object, Object, ServiceInstance> {

  @Override
  public boolean supports(Class requestContextClass, Class responseClass, Class serverTypeClass) {
    return ServiceInstance.class.isAssignableFrom(serverTypeClass);
  }

  @Override
  public void onStart(Request<Object> request) {}

  @Override
  public void onStartRequest(Request<Object> request, Response<ServiceInstance> lbResponse) {}

  @Override
  public void onComplete(CompletionContext<Object, ServiceInstance, Object> context) {
    Response<ServiceInstance> chosen = context.getLoadBalancerResponse();
    if (chosen == null || !(chosen.getServer() instanceof LeasedServiceInstance leased)) {
      return;
    }
    Lease lease = leased.lease();
    switch (context.status()) {
      case DISCARD -> lease.close();
      case FAILED -> lease.failure(context.getThrowable() != null ? context.getThrowable()
          : new IOException("load-balanced request to '" + leased.getInstanceId() + "' failed"));
      case SUCCESS -> completed(lease, context.getClientResponse());
    }
  }

  private static void completed(Lease lease, Object clientResponse) {
    Optional<Reply> reply = reply(clientResponse);
    int status = reply.map(Reply::status).orElse(200);
    if (status < 400) {
      lease.success();
    } else if (status == 429 || status == 503) {
      RetryAfter.parse(reply.get().headers().getFirst("Retry-After"))
          .ifPresentOrElse(lease::busy, lease::busy);
    } else if (status < 500) {
      lease.clientError();
    } else {
      lease.failure(new BackendException(lease.endpoint().id(), status, "HTTP " + status));
    }
  }

  private record Reply(int status, HttpHeaders headers) {}

  private static Optional<Reply> reply(Object clientResponse) {
    if (clientResponse instanceof ResponseData data && data.getHttpStatus() != null) {
      return Optional.of(new Reply(data.getHttpStatus().value(), data.getHeaders()));
    }
    if (clientResponse instanceof ClientHttpResponse response) {
      try {
        return Optional.of(new Reply(response.getStatusCode().value(), response.getHeaders()));
      } catch (IOException e) {
        return Optional.empty();
      }
    }
    return Optional.empty();
  }
}

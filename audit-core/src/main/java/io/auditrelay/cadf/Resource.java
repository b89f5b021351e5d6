package io.auditrelay.cadf;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A CADF resource: the initiator, target or observer of an event. {@code id} is required, and
 * {@code typeURI} must come from {@link ResourceTypes}, except in the bare references {@code
 * {"id":"target"}} and {@code {"id":"initiator"}} ({@link #reference(String)}).
 *
 * <p>The OpenStack and Hermes extensions ({@code project_id}, {@code domain_id} and, on an
 * initiator, {@code project_name} and the rest) round-trip under their snake_case names. Hermes
 * routes an event to a tenant by {@code initiator.project_id} or {@code initiator.domain_id}.
 */
// CadfWriter writes these fields in this order too: a field added here goes there as well.
@JsonPropertyOrder({
  "typeURI",
  "id",
  "name",
  "domain",
  "host",
  "addresses",
  "credential",
  "geolocation",
  "attachments",
  "project_id",
  "domain_id",
  "project_name",
  "project_domain_name",
  "domain_name",
  "application_credential_id",
  "request_id",
  "global_request_id"
})
public record Resource(
    @Nullable String typeURI,
    String id,
    @Nullable String name,
    @Nullable String domain,
    @Nullable Host host,
    @Nullable List<Endpoint> addresses,
    @Nullable Credential credential,
    @Nullable Geolocation geolocation,
    @Nullable List<Attachment> attachments,
    @JsonProperty("project_id") @Nullable String projectId,
    @JsonProperty("domain_id") @Nullable String domainId,
    @JsonProperty("project_name") @Nullable String projectName,
    @JsonProperty("project_domain_name") @Nullable String projectDomainName,
    @JsonProperty("domain_name") @Nullable String domainName,
    @JsonProperty("application_credential_id") @Nullable String applicationCredentialId,
    @JsonProperty("request_id") @Nullable String requestId,
    @JsonProperty("global_request_id") @Nullable String globalRequestId) {

  /** Copies the lists, so a resource never changes after construction; empty lists become null. */
  public Resource {
    addresses = Lists.copy(addresses);
    attachments = Lists.copy(attachments);
  }

  /**
   * Starts a resource with its id and type, for example {@code ("user-1",
   * "data/security/account/user")}.
   */
  public static Builder builder(String id, String typeUri) {
    return new Builder(id, typeUri);
  }

  /** A resource with only an id and a type. */
  public static Resource of(String id, String typeUri) {
    return builder(id, typeUri).build();
  }

  /**
   * A bare reference such as {@code {"id":"target"}}, the OpenStack idiom for an observer that is
   * the target itself.
   */
  public static Resource reference(String id) {
    return new Builder(id, null).build();
  }

  /** Whether this resource is a bare reference: an id and nothing else. */
  boolean isBareReference() {
    return typeURI == null
        && name == null
        && domain == null
        && host == null
        && addresses == null
        && credential == null
        && geolocation == null
        && attachments == null
        && projectId == null
        && domainId == null
        && projectName == null
        && projectDomainName == null
        && domainName == null
        && applicationCredentialId == null
        && requestId == null
        && globalRequestId == null;
  }

  /** Returns a builder holding this resource's values. */
  public Builder toBuilder() {
    Builder b = new Builder(id, typeURI);
    b.name = name;
    b.domain = domain;
    b.host = host;
    b.addresses = addresses;
    b.credential = credential;
    b.geolocation = geolocation;
    b.attachments = attachments;
    b.projectId = projectId;
    b.domainId = domainId;
    b.projectName = projectName;
    b.projectDomainName = projectDomainName;
    b.domainName = domainName;
    b.applicationCredentialId = applicationCredentialId;
    b.requestId = requestId;
    b.globalRequestId = globalRequestId;
    return b;
  }

  /** Builds a {@link Resource}. Not thread-safe. */
  public static final class Builder {
    private final String id;
    private final @Nullable String typeUri;
    private @Nullable String name;
    private @Nullable String domain;
    private @Nullable Host host;
    private @Nullable List<Endpoint> addresses;
    private @Nullable Credential credential;
    private @Nullable Geolocation geolocation;
    private @Nullable List<Attachment> attachments;
    private @Nullable String projectId;
    private @Nullable String domainId;
    private @Nullable String projectName;
    private @Nullable String projectDomainName;
    private @Nullable String domainName;
    private @Nullable String applicationCredentialId;
    private @Nullable String requestId;
    private @Nullable String globalRequestId;

    private Builder(String id, @Nullable String typeUri) {
      this.id = id;
      this.typeUri = typeUri;
    }

    public Builder name(@Nullable String name) {
      this.name = name;
      return this;
    }

    public Builder domain(@Nullable String domain) {
      this.domain = domain;
      return this;
    }

    public Builder host(@Nullable Host host) {
      this.host = host;
      return this;
    }

    public Builder addresses(@Nullable List<Endpoint> addresses) {
      this.addresses = addresses;
      return this;
    }

    /** Sets the credential; its token is masked (see {@link Credential}). */
    public Builder credential(@Nullable Credential credential) {
      this.credential = credential;
      return this;
    }

    public Builder geolocation(@Nullable Geolocation geolocation) {
      this.geolocation = geolocation;
      return this;
    }

    public Builder attachments(@Nullable List<Attachment> attachments) {
      this.attachments = attachments;
      return this;
    }

    /** Sets {@code project_id}, by which Hermes routes an initiator's event to its tenant. */
    public Builder projectId(@Nullable String projectId) {
      this.projectId = projectId;
      return this;
    }

    /** Sets {@code domain_id}, by which Hermes routes an initiator's event to its tenant. */
    public Builder domainId(@Nullable String domainId) {
      this.domainId = domainId;
      return this;
    }

    public Builder projectName(@Nullable String projectName) {
      this.projectName = projectName;
      return this;
    }

    public Builder projectDomainName(@Nullable String projectDomainName) {
      this.projectDomainName = projectDomainName;
      return this;
    }

    public Builder domainName(@Nullable String domainName) {
      this.domainName = domainName;
      return this;
    }

    public Builder applicationCredentialId(@Nullable String applicationCredentialId) {
      this.applicationCredentialId = applicationCredentialId;
      return this;
    }

    public Builder requestId(@Nullable String requestId) {
      this.requestId = requestId;
      return this;
    }

    public Builder globalRequestId(@Nullable String globalRequestId) {
      this.globalRequestId = globalRequestId;
      return this;
    }

    /** Builds the resource; validation happens when the event is recorded. */
    public Resource build() {
      return new Resource(
          typeUri,
          id,
          name,
          domain,
          host,
          addresses,
          credential,
          geolocation,
          attachments,
          projectId,
          domainId,
          projectName,
          projectDomainName,
          domainName,
          applicationCredentialId,
          requestId,
          globalRequestId);
    }
  }
}

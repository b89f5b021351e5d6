package io.auditrelay.cadf;

import java.util.Set;

/**
 * The CADF resource taxonomy (pycadf's {@code RESOURCE_TAXONOMY}). Every entry of that list lies
 * below one of the roots {@code storage}, {@code compute}, {@code network}, {@code service}, {@code
 * data}, or is {@code unknown}; a resource type is valid when it is a root or a sub-path of one.
 * The constants below are the entries services use most.
 */
public final class ResourceTypes {

  public static final String STORAGE = "storage";
  public static final String COMPUTE = "compute";
  public static final String COMPUTE_MACHINE = "compute/machine";
  public static final String NETWORK = "network";
  public static final String NETWORK_NODE_HOST = "network/node/host";
  public static final String SERVICE = "service";
  public static final String SERVICE_SECURITY = "service/security";
  public static final String SERVICE_SECURITY_ACCOUNT_USER = "service/security/account/user";
  public static final String SERVICE_STORAGE_OBJECT = "service/storage/object";
  public static final String DATA = "data";
  public static final String DATA_SECURITY_PROJECT = "data/security/project";
  public static final String DATA_SECURITY_ACCOUNT_USER = "data/security/account/user";
  public static final String DATA_WORKLOAD_APP = "data/workload/app";
  public static final String UNKNOWN = "unknown";

  private static final Set<String> ROOTS =
      Set.of(STORAGE, COMPUTE, NETWORK, SERVICE, DATA, UNKNOWN);

  private ResourceTypes() {}

  /** Whether {@code typeUri} is a taxonomy root or a sub-path of one. */
  public static boolean isValid(String typeUri) {
    return Taxonomy.contains(ROOTS, typeUri);
  }
}

package io.auditrelay.boot.web;

import io.auditrelay.cadf.Actions;
import io.auditrelay.cadf.Resource;
import io.auditrelay.cadf.ResourceTypes;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.http.server.PathContainer;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;
import org.springframework.web.util.pattern.PatternParseException;

/**
 * Decides which requests are audited and with which target and action: the path map of {@code
 * audit.web.requests.*} in the spirit of keystonemiddleware's audit map, and {@link AuditedRequest}
 * on handlers. Immutable and thread-safe; built once, checked at startup: a bad pattern, target
 * type, action or variable name fails startup with the entry it is in.
 *
 * <p>For one finished request: an excluded path records nothing; a handler annotated {@link
 * AuditedRequest} records with the annotation's target and action, whatever the method; otherwise
 * only the audited methods record, with the most specific matching path entry, or, when no entry
 * matches, with a target of the unmapped type whose id is the path (or nothing, when unmapped paths
 * are skipped).
 */
public final class RequestAuditMap {

  /**
   * One entry of the path map.
   *
   * @param pattern a path pattern in Spring's syntax: {@code /v1/projects/{id}}
   * @param targetType the target's CADF type, from the resource taxonomy
   * @param targetId the path variable holding the target's id; null: the pattern's last variable
   * @param actions CADF actions by HTTP method, overriding the method's default
   */
  public record Route(
      String pattern, String targetType, @Nullable String targetId, Map<String, String> actions) {}

  /** The target and action of one audited request. */
  record Plan(Resource target, String action) {}

  private record Compiled(PathPattern pattern, Route route, Map<String, String> actions) {}

  private static final PathPatternParser PARSER = PathPatternParser.defaultInstance;

  private final List<Compiled> routes = new ArrayList<>();
  private final List<PathPattern> excluded = new ArrayList<>();
  private final Set<String> methods = new HashSet<>();
  private final boolean auditUnmapped;
  private final String unmappedTargetType;

  /**
   * Builds the map.
   *
   * @param routes the path map
   * @param methods the HTTP methods audited on every path
   * @param exclude patterns never audited
   * @param auditUnmapped whether an audited request on an unmapped path is recorded
   * @param unmappedTargetType the target type of such a request's event
   * @throws IllegalArgumentException naming the setting and the entry that is wrong
   */
  public RequestAuditMap(
      List<Route> routes,
      Collection<String> methods,
      List<String> exclude,
      boolean auditUnmapped,
      String unmappedTargetType) {
    for (int i = 0; i < routes.size(); i++) {
      this.routes.add(compile(routes.get(i), "audit.web.requests.paths[" + i + "]"));
    }
    for (int i = 0; i < exclude.size(); i++) {
      this.excluded.add(parse(exclude.get(i), "audit.web.requests.exclude[" + i + "]"));
    }
    for (String method : methods) {
      this.methods.add(method.trim().toUpperCase(Locale.ROOT));
    }
    requireType(unmappedTargetType, "audit.web.requests.unmapped-target-type");
    this.auditUnmapped = auditUnmapped;
    this.unmappedTargetType = unmappedTargetType;
  }

  /** Whether requests with this method are audited on every (unexcluded) path. */
  boolean auditsMethod(String method) {
    return methods.contains(method.toUpperCase(Locale.ROOT));
  }

  /**
   * What one finished request records, or null for nothing.
   *
   * @param method the HTTP method
   * @param path the path within the application, without the query string
   * @param location the response's {@code Location} header, or null
   * @param handler the handler's annotation, or null
   * @param handlerVariables the URI variables of the handler's mapping, in pattern order
   */
  @Nullable Plan plan(
      String method,
      String path,
      int status,
      @Nullable String location,
      @Nullable AuditedRequest handler,
      Map<String, String> handlerVariables) {
    PathContainer container = PathContainer.parsePath(path);
    for (PathPattern pattern : excluded) {
      if (pattern.matches(container)) {
        return null;
      }
    }
    if (handler != null) {
      String variable = handler.targetId().isEmpty() ? null : handler.targetId();
      String id = targetId(handlerVariables, variable, path, status, location);
      String action = handler.action().isEmpty() ? Actions.ofHttpMethod(method) : handler.action();
      return new Plan(Resource.of(id, handler.targetType()), action);
    }
    if (!auditsMethod(method)) {
      return null;
    }
    Compiled best = null;
    for (Compiled candidate : routes) {
      if (candidate.pattern().matches(container)
          && (best == null
              || PathPattern.SPECIFICITY_COMPARATOR.compare(candidate.pattern(), best.pattern())
                  < 0)) {
        best = candidate;
      }
    }
    if (best == null) {
      return auditUnmapped
          ? new Plan(Resource.of(path, unmappedTargetType), Actions.ofHttpMethod(method))
          : null;
    }
    PathPattern.PathMatchInfo match = best.pattern().matchAndExtract(container);
    Map<String, String> variables = match == null ? Map.of() : match.getUriVariables();
    String id = targetId(variables, best.route().targetId(), path, status, location);
    String action =
        best.actions().getOrDefault(method.toUpperCase(Locale.ROOT), Actions.ofHttpMethod(method));
    return new Plan(Resource.of(id, best.route().targetType()), action);
  }

  /**
   * The named variable, else the last one; without variables, the last segment of a 201's {@code
   * Location}, else the path.
   */
  private static String targetId(
      Map<String, String> variables,
      @Nullable String variable,
      String path,
      int status,
      @Nullable String location) {
    if (variable != null && variables.get(variable) != null) {
      return variables.get(variable);
    }
    String last = null;
    for (String value : variables.values()) {
      last = value;
    }
    if (last != null && !last.isEmpty()) {
      return last;
    }
    if (status == 201 && location != null) {
      String trimmed = location.replaceAll("[?#].*$", "").replaceAll("/+$", "");
      String segment = trimmed.substring(trimmed.lastIndexOf('/') + 1);
      if (!segment.isEmpty()) {
        return segment;
      }
    }
    return path;
  }

  private static Compiled compile(Route route, String setting) {
    PathPattern pattern = parse(route.pattern(), setting + ".pattern");
    requireType(route.targetType(), setting + ".target-type");
    if (route.targetId() != null && !route.pattern().contains("{" + route.targetId())) {
      throw new IllegalArgumentException(
          setting
              + ".target-id: '"
              + route.targetId()
              + "' is not a variable of the pattern '"
              + route.pattern()
              + "'; name one of its {variables}");
    }
    Map<String, String> actions = new HashMap<>();
    route
        .actions()
        .forEach(
            (method, action) -> {
              if (!Actions.isValid(action)) {
                throw new IllegalArgumentException(
                    setting
                        + ".actions."
                        + method
                        + ": '"
                        + action
                        + "' is not a CADF action (create, read, update, delete, ... or a"
                        + " sub-path of one: update/set-quota)");
              }
              actions.put(method.trim().toUpperCase(Locale.ROOT), action);
            });
    return new Compiled(pattern, route, Map.copyOf(actions));
  }

  private static PathPattern parse(String pattern, String setting) {
    if (pattern == null || pattern.isBlank()) {
      throw new IllegalArgumentException(setting + " is empty; give a path pattern: /v1/projects");
    }
    try {
      return PARSER.parse(pattern);
    } catch (PatternParseException e) {
      throw new IllegalArgumentException(
          setting + ": '" + pattern + "' is not a valid path pattern: " + e.getMessage(), e);
    }
  }

  private static void requireType(String type, String setting) {
    if (type == null || !ResourceTypes.isValid(type)) {
      throw new IllegalArgumentException(
          setting
              + ": '"
              + type
              + "' is not a CADF resource type; use one of the taxonomy (data/security/project,"
              + " service/compute, unknown, ...) or a sub-path of one");
    }
  }
}

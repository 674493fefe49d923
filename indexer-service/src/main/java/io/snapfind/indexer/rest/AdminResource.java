package io.snapfind.indexer.rest;

import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;

import io.smallrye.common.annotation.Blocking;
import io.snapfind.contracts.Topics;
import io.snapfind.indexer.IndexAdmin;
import io.snapfind.indexer.config.IndexerConfig;
import io.snapfind.indexer.messaging.ConsumerGroupReplay;
import io.snapfind.support.problem.ProblemException;
import io.snapfind.support.security.ApiKeyCheck;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** Operator commands for a re-index: collections, the alias swap, and replaying the catalog. */
@Path("/v1/admin")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Blocking
public class AdminResource {

    static final String ADMIN_KEY_HEADER = "X-Admin-Key";

    public record NewCollection(String modelId, Integer dimension) {
    }

    /** Move the alias to {@code collection}; refused until it has {@code minCoverage} of the current rows, unless forced. */
    public record AliasChange(String collection, Double minCoverage, Boolean force) {
    }

    public record Alias(String alias, String collection) {
    }

    public record Replay(String group, String topic) {
    }

    public record Replayed(String group, String topic, Map<Integer, Long> offsets) {
    }

    private final IndexAdmin admin;
    private final ConsumerGroupReplay replay;
    private final ApiKeyCheck adminKey;

    AdminResource(IndexAdmin admin, ConsumerGroupReplay replay, IndexerConfig config) {
        this.admin = admin;
        this.replay = replay;
        this.adminKey = new ApiKeyCheck(ADMIN_KEY_HEADER, config.adminKey(), "Admin API disabled",
                "no admin key is configured on the indexer (snapfind.indexer.admin-key)");
    }

    @GET
    @Path("/collections")
    @Operation(summary = "The indexer's collections with model, dimension, row count and which one the alias serves")
    public List<IndexAdmin.CollectionInfo> collections(@Parameter(hidden = true) @HeaderParam(ADMIN_KEY_HEADER) String key) {
        requireAdmin(key);
        return admin.collections();
    }

    @POST
    @Path("/collections")
    @Operation(summary = "Create (or validate) the collection of a model before a re-index")
    public Response create(@Parameter(hidden = true) @HeaderParam(ADMIN_KEY_HEADER) String key, NewCollection body) {
        requireAdmin(key);
        if (body == null || body.modelId() == null || body.dimension() == null) {
            throw new ProblemException(Response.Status.BAD_REQUEST, "Invalid request", "send {\"modelId\":..., \"dimension\":...}");
        }
        return Response.status(Response.Status.CREATED).entity(admin.createCollection(body.modelId(), body.dimension())).build();
    }

    @DELETE
    @Path("/collections/{name}")
    @Operation(summary = "Drop a collection the alias does not point at (the old model's, after a swap)")
    public Response drop(@Parameter(hidden = true) @HeaderParam(ADMIN_KEY_HEADER) String key, @PathParam("name") String name) {
        requireAdmin(key);
        admin.dropCollection(name);
        return Response.noContent().build();
    }

    @GET
    @Path("/alias")
    @Operation(summary = "The collection the readers' alias points at")
    public Alias alias(@Parameter(hidden = true) @HeaderParam(ADMIN_KEY_HEADER) String key) {
        requireAdmin(key);
        return new Alias(admin.settings().alias(), admin.aliasTarget());
    }

    @PUT
    @Path("/alias")
    @Operation(summary = "Point the alias at another collection in one atomic step, once it has caught up")
    public IndexAdmin.AliasSwap swap(@Parameter(hidden = true) @HeaderParam(ADMIN_KEY_HEADER) String key, AliasChange body) {
        requireAdmin(key);
        if (body == null || body.collection() == null) {
            throw new ProblemException(Response.Status.BAD_REQUEST, "Invalid request", "send {\"collection\":...}");
        }
        return admin.swapAlias(body.collection(), body.minCoverage() == null ? 1.0 : body.minCoverage(),
                Boolean.TRUE.equals(body.force()));
    }

    @POST
    @Path("/replay")
    @Operation(summary = "Rewind a stopped consumer group (by default the detector's, on catalog.products) to the "
            + "earliest offsets, so the catalog flows through the pipeline again when it starts")
    public Replayed replay(@Parameter(hidden = true) @HeaderParam(ADMIN_KEY_HEADER) String key, Replay body) {
        requireAdmin(key);
        if (body == null || body.group() == null || body.group().isBlank()) {
            throw new ProblemException(Response.Status.BAD_REQUEST, "Invalid request",
                    "send {\"group\": \"<the detector's consumer group>\"}");
        }
        String topic = body.topic() == null || body.topic().isBlank() ? Topics.CATALOG_PRODUCTS : body.topic();
        return new Replayed(body.group(), topic, replay.rewindToEarliest(body.group(), topic));
    }

    private void requireAdmin(String presented) {
        adminKey.require(presented);
    }
}

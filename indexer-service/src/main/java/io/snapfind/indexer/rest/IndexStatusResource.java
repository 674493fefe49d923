package io.snapfind.indexer.rest;

import java.util.Optional;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;

import io.smallrye.common.annotation.Blocking;
import io.snapfind.indexer.IndexAdmin;
import io.snapfind.support.problem.ProblemException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** Whether a product is searchable: read from Milvus with Strong consistency, so "indexed" means readers see it. */
@Path("/v1/index/products")
@Produces(MediaType.APPLICATION_JSON)
@Blocking
public class IndexStatusResource {

    private final IndexAdmin admin;

    IndexStatusResource(IndexAdmin admin) {
        this.admin = admin;
    }

    @GET
    @Path("/{productId}")
    @Operation(summary = "Whether a product is indexed (searchable), how many crop rows it has and since when; "
            + "404 when it has no rows")
    public IndexAdmin.ProductStatus status(@PathParam("productId") String productId,
            @Parameter(description = "a collection to look in instead of the alias's") @QueryParam("collection") String collection) {
        return admin.productStatus(productId, Optional.ofNullable(collection).filter(c -> !c.isBlank()))
                .orElseThrow(() -> new ProblemException(Response.Status.NOT_FOUND, "Not indexed",
                        "product " + productId + " has no rows in the index"));
    }
}

package dev.cairn.cache.demo;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.ResponseStatus;

/** A product id the database does not hold; over HTTP, a 404. */
@ResponseStatus(HttpStatus.NOT_FOUND)
public class NoSuchProductException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  NoSuchProductException(long id, long products) {
    super("No product " + id + ": the catalog holds ids 1 to " + products
        + " (demo.database.products)");
  }
}

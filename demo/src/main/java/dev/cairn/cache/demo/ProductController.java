package dev.cairn.cache.demo;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** The service over HTTP, in serve mode: {@code GET /products/7}, {@code PUT /products/7/price}. */
@RestController
@RequestMapping("/products")
public class ProductController {

  private final ProductService service;

  /** Creates the controller over the cached service. */
  public ProductController(ProductService service) {
    this.service = service;
  }

  /** Returns the product as JSON. */
  @GetMapping("/{id}")
  public Product find(@PathVariable long id) {
    return service.find(id);
  }

  /** Sets the product's price (cents, the request body) and evicts it from the cache. */
  @PutMapping("/{id}/price")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  public void updatePrice(@PathVariable long id, @RequestBody long priceCents) {
    service.updatePrice(id, priceCents);
  }
}

package io.ultrachat.kernel.error;

import java.util.List;

/** The request is well-formed transport-wise but its content breaks a rule. */
public final class InvalidInput extends DomainException {
  /** One rejected field: a JSON-pointer-like name and what is wrong with it. */
  public record FieldError(String field, String message) {}

  private final List<FieldError> errors;

  public InvalidInput(String detail) {
    this("invalid-input", detail, List.of());
  }

  public InvalidInput(String code, String detail) {
    this(code, detail, List.of());
  }

  public InvalidInput(String code, String detail, List<FieldError> errors) {
    super(code, detail);
    this.errors = List.copyOf(errors);
  }

  public static InvalidInput field(String field, String message) {
    return new InvalidInput("invalid-input", field + ": " + message, List.of(new FieldError(field, message)));
  }

  public List<FieldError> errors() {
    return errors;
  }
}

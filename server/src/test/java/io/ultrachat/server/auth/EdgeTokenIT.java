package io.ultrachat.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.ultrachat.server.Api;
import io.ultrachat.server.TestServer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Date;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.resolvers.JwksVerificationKeyResolver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The edge refuses every forged, confused or stale token, and the tokens it issues verify with
 * an independent JWT library (jose4j) against the published JWKS.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EdgeTokenIT {
  private TestServer server;
  private Api api;
  private String token;
  private JsonNode claims;

  @BeforeAll
  void start() throws Exception {
    server = TestServer.on(TestServer.Backend.SQLITE).start();
    api = server.api();
    token = api.register("alice", "correct horse").path("accessToken").asText();
    claims = new com.fasterxml.jackson.databind.ObjectMapper().readTree(Base64.getUrlDecoder().decode(token.split("\\.")[1]));
  }

  @AfterAll
  void stop() {
    server.close();
  }

  @Test
  void issuedTokensVerifyWithAnIndependentLibraryAgainstTheJwks() throws Exception {
    String jwks = api.get("/.well-known/jwks.json").ok(200).body();
    assertThat(jwks).doesNotContain("\"d\"").doesNotContain("\"p\"");
    JwtConsumer consumer = new JwtConsumerBuilder()
        .setRequireExpirationTime()
        .setRequireSubject()
        .setExpectedIssuer("ultrachat")
        .setExpectedAudience("ultrachat-api")
        .setVerificationKeyResolver(new JwksVerificationKeyResolver(new JsonWebKeySet(jwks).getJsonWebKeys()))
        .setJwsAlgorithmConstraints(org.jose4j.jwa.AlgorithmConstraints.ConstraintType.PERMIT, "RS256")
        .build();
    JwtClaims verified = consumer.processToClaims(token);
    assertThat(verified.getSubject()).isEqualTo(claims.path("sub").asText());
    assertThat(verified.getExpirationTime().getValue() - verified.getIssuedAt().getValue()).isEqualTo(3600);
    assertThat(verified.getClaimValueAsString("name")).isEqualTo("alice");
    assertThat(new String(Base64.getUrlDecoder().decode(token.split("\\.")[0]), StandardCharsets.UTF_8)).contains("\"kid\"");
  }

  @Test
  void unsignedTokensAreRefused() {
    String header = b64("{\"alg\":\"none\",\"typ\":\"JWT\"}");
    String none = header + "." + token.split("\\.")[1] + ".";
    api.get("/api/v1/users/me", none).problem(401, "invalid-token");
  }

  @Test
  void hs256SignedWithThePublicKeyIsRefused() throws Exception {
    JsonNode key = api.get("/.well-known/jwks.json").json().path("keys").get(0);
    byte[] secret = JWKSet.parse(api.get("/.well-known/jwks.json").body()).getKeys().get(0).toRSAKey().toPublicKey().getEncoded();
    SignedJWT forged = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(key.path("kid").asText()).build(), claims());
    forged.sign(new MACSigner(secret));
    api.get("/api/v1/users/me", forged.serialize()).problem(401, "invalid-token");
  }

  @Test
  void aTokenSignedByAnotherKeyWithAKnownKidIsRefused() throws Exception {
    String kid = api.get("/.well-known/jwks.json").json().path("keys").get(0).path("kid").asText();
    api.get("/api/v1/users/me", sign(new RSAKeyGenerator(2048).keyID(kid).generate(), claims())).problem(401, "invalid-token");
  }

  @Test
  void unknownKidIsRefused() throws Exception {
    api.get("/api/v1/users/me", sign(new RSAKeyGenerator(2048).keyID("not-ours").generate(), claims())).problem(401, "invalid-token");
  }

  @Test
  void tamperedPayloadIsRefused() {
    String[] parts = token.split("\\.");
    String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8).replace("\"adm\":true", "\"adm\":false")
        .replace("alice", "mallory");
    api.get("/api/v1/users/me", parts[0] + "." + b64(payload) + "." + parts[2]).problem(401, "invalid-token");
  }

  @Test
  void wrongIssuerAudienceAndExpiryAreRefusedEvenWhenProperlySigned() throws Exception {
    RSAKey ours = serverKey();
    api.get("/api/v1/users/me", sign(ours, claimsBuilder().issuer("someone-else").build())).problem(401, "invalid-token");
    api.get("/api/v1/users/me", sign(ours, claimsBuilder().audience("another-api").build())).problem(401, "invalid-token");
    long past = System.currentTimeMillis() - 7_200_000;
    api.get("/api/v1/users/me", sign(ours, claimsBuilder().issueTime(new Date(past)).notBeforeTime(new Date(past))
        .expirationTime(new Date(past + 3_600_000)).build())).problem(401, "token-expired");
    // The key itself is trusted: the same claims with the right values pass.
    api.get("/api/v1/users/me", sign(ours, claims())).ok(200);
  }

  @Test
  void malformedAuthorizationHeadersAreRefused() {
    api.get("/api/v1/users/me", "not.a.jwt").problem(401, "invalid-token");
    api.get("/api/v1/users/me", "").problem(401, "invalid-token");
    api.get("/api/v1/users/me").problem(401, "missing-token");
    api.get("/api/v1/users/me", "x".repeat(8300)).problem(401, "invalid-token");
  }

  private RSAKey serverKey() {
    // The server's own private key, read the way an attacker with database access could: to
    // prove the claim checks hold on their own, independent of the signature check.
    var ring = server.server().auth().keyRing();
    var entry = ring.signer();
    return new RSAKey.Builder(ring.publicJwks().getKeyByKeyId(entry.getKey()).toRSAKey())
        .privateKey(entry.getValue().getPrivateKey()).build();
  }

  private JWTClaimsSet claims() {
    return claimsBuilder().build();
  }

  private JWTClaimsSet.Builder claimsBuilder() {
    long now = System.currentTimeMillis();
    return new JWTClaimsSet.Builder()
        .issuer("ultrachat")
        .audience("ultrachat-api")
        .subject(claims.path("sub").asText())
        .issueTime(new Date(now))
        .notBeforeTime(new Date(now))
        .expirationTime(new Date(now + 600_000))
        .claim("sid", claims.path("sid").asText())
        .claim("name", "alice")
        .claim("adm", true);
  }

  private static String sign(RSAKey key, JWTClaimsSet claims) throws Exception {
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT).keyID(key.getKeyID()).build(), claims);
    jwt.sign(new RSASSASigner(key));
    return jwt.serialize();
  }

  private static String b64(String s) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

}

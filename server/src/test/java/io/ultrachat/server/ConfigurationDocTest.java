package io.ultrachat.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ultrachat.kernel.config.Setting;
import io.ultrachat.kernel.config.Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** docs/configuration.md documents every setting with its real default, and layering works as documented. */
class ConfigurationDocTest {
  private static final Path DOC = Path.of("..", "docs", "configuration.md");

  @Test
  void everySettingIsDocumentedWithItsDefault() throws IOException {
    String doc = Files.readString(DOC);
    for (Setting<?> s : Catalog.all()) {
      String expectedDefault = s.defaultValue().isEmpty() ? "(empty)" : "`" + s.defaultValue() + "`";
      assertThat(doc).as("row for %s", s.key())
          .contains("| `" + s.key() + "` | `" + s.environmentVariable() + "` | " + expectedDefault + " |");
    }
  }

  @Test
  void laterLayersWin(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("ultrachat.yaml");
    Files.writeString(file, "http:\n  port: 9001\nauth:\n  access-token-ttl: 30m\ndata-dir: /from/file\n");
    Settings s = Catalog.load(Optional.of(file), Map.of("ULTRACHAT_HTTP_PORT", "9002", "ULTRACHAT_DATA_DIR", "/from/env"),
        Map.of("data-dir", "/from/flag"));
    assertThat(s.get(io.ultrachat.gateway.GatewaySettings.PORT)).isEqualTo(9002);
    assertThat(s.get(io.ultrachat.auth.AuthSettings.ACCESS_TOKEN_TTL)).hasMinutes(30);
    assertThat(s.get(ServerSettings.DATA_DIR)).isEqualTo("/from/flag");
  }

  @Test
  void unknownKeysAndBadValuesFailNamingTheKey(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("bad.yaml");
    Files.writeString(file, "http:\n  prot: 9001\n");
    assertThatThrownBy(() -> Catalog.load(Optional.of(file), Map.of(), Map.of()))
        .hasMessageContaining("http.prot").hasMessageContaining("no such setting");
    assertThatThrownBy(() -> Catalog.load(Optional.empty(), Map.of("ULTRACHAT_HTTP_PORT", "eighty"), Map.of()))
        .hasMessageContaining("http.port").hasMessageContaining("environment").hasMessageContaining("eighty");
    assertThatThrownBy(() -> Catalog.load(Optional.empty(), Map.of(), Map.of("auth.access-token-ttl", "soon")))
        .hasMessageContaining("auth.access-token-ttl");
  }
}

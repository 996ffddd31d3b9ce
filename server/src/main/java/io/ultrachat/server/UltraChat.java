package io.ultrachat.server;

import io.ultrachat.auth.AuthModule;
import io.ultrachat.auth.account.User;
import io.ultrachat.auth.token.SigningKeyRing;
import io.ultrachat.kernel.config.Settings;
import io.ultrachat.kernel.error.DomainException;
import io.ultrachat.kernel.id.IdGenerator;
import io.ultrachat.store.jdbc.Database;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The {@code ultrachat} command. */
@Command(name = "ultrachat", mixinStandardHelpOptions = true, versionProvider = UltraChat.Version.class,
    description = "Self-hosted team communication: chat, voice, tasks and integrations.",
    subcommands = {UltraChat.Serve.class, UltraChat.Migrate.class, UltraChat.Admin.class, UltraChat.VersionCommand.class})
public final class UltraChat {

  public static void main(String[] args) {
    int code = commandLine().execute(args);
    if (code != 0 || (args.length > 0 && !"serve".equals(args[0]))) {
      System.exit(code);
    }
  }

  /** The command with its error handling, for {@link #main} and for tests. */
  static CommandLine commandLine() {
    return new CommandLine(new UltraChat()).setExecutionExceptionHandler(UltraChat::explain);
  }

  /** Start-up problems are the operator's to fix: say what is wrong in one line, no stack trace. */
  private static int explain(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
    if (e instanceof IllegalArgumentException || e instanceof IllegalStateException || e instanceof DomainException
        || e instanceof java.io.UncheckedIOException) {
      cmd.getErr().println("ultrachat: " + e.getMessage());
      return 2;
    }
    throw new RuntimeException(e);
  }

  static String version() {
    String v = UltraChat.class.getPackage().getImplementationVersion();
    return v == null ? "development" : v;
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"UltraChat " + version() + " (Java " + Runtime.version() + ")"};
    }
  }

  /** Options that choose configuration, shared by every command that touches data. */
  static class ConfigOptions {
    @Option(names = "--config", description = "YAML settings file (default: $ULTRACHAT_CONFIG or ./ultrachat.yaml if present).")
    Path config;

    @Option(names = "--data-dir", description = "Directory for embedded data (setting data-dir, env ULTRACHAT_DATA_DIR).")
    String dataDir;

    @Option(names = "--database-url",
        description = "postgresql://user:password@host:port/db or a JDBC URL (setting database.url, env ULTRACHAT_DATABASE_URL).")
    String databaseUrl;

    @Option(names = "--set", description = "Any setting as key=value; may repeat. See docs/configuration.md.")
    Map<String, String> extra = new LinkedHashMap<>();

    Map<String, String> flags() {
      Map<String, String> f = new LinkedHashMap<>(extra);
      if (dataDir != null) {
        f.put("data-dir", dataDir);
      }
      if (databaseUrl != null) {
        f.put("database.url", databaseUrl);
      }
      return f;
    }

    Settings load(Map<String, String> more) {
      Map<String, String> f = flags();
      f.putAll(more);
      return Catalog.load(Optional.ofNullable(config), System.getenv(), f);
    }
  }

  @Command(name = "serve", description = "Run the server (every service in one process on embedded defaults unless configured).")
  static final class Serve implements Callable<Integer> {
    @CommandLine.Mixin
    ConfigOptions config = new ConfigOptions();

    @Option(names = "--port", description = "HTTP port (setting http.port, env ULTRACHAT_HTTP_PORT; default 8080).")
    Integer port;

    @Option(names = "--services", description = "Services to run: all (default), or a comma-separated subset of: gateway, auth, chat, realtime.")
    String services;

    @Override
    public Integer call() throws InterruptedException {
      Map<String, String> more = new LinkedHashMap<>();
      if (port != null) {
        more.put("http.port", port.toString());
      }
      if (services != null) {
        more.put("services", services);
      }
      Settings settings = config.load(more);
      UltraChatServer server = UltraChatServer.start(settings, Clock.systemUTC());
      CountDownLatch stopped = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        org.slf4j.LoggerFactory.getLogger(UltraChat.class).info("shutting down: finishing in-flight requests");
        server.close();
        stopped.countDown();
      }, "shutdown"));
      String host = settings.get(io.ultrachat.gateway.GatewaySettings.HOST);
      String shown = host.equals("0.0.0.0") || host.equals("::") ? "localhost" : host;
      System.out.println("UltraChat " + version() + " is running at http://" + shown + ":" + server.port() + "/");
      System.out.flush();
      stopped.await();
      return 0;
    }
  }

  @Command(name = "migrate", description = "Apply database migrations and exit.")
  static final class Migrate implements Callable<Integer> {
    @CommandLine.Mixin
    ConfigOptions config = new ConfigOptions();

    @Override
    public Integer call() {
      Settings settings = config.load(Map.of());
      try (Offline offline = Offline.open(settings)) {
        System.out.println("auth migrations applied to " + offline.url);
      }
      DatabaseChoice chat = DatabaseChoice.forService(settings, io.ultrachat.chat.ChatSettings.DATABASE_URL.key(),
          settings.get(io.ultrachat.chat.ChatSettings.DATABASE_URL));
      try (Database db = Database.open("chat", chat.settingName(), chat.url(), 2, settings.get(ServerSettings.DATABASE_CONNECT_TIMEOUT))) {
        db.migrate("chat");
        System.out.println("chat migrations applied to " + chat.url());
      }
      return 0;
    }
  }

  @Command(name = "admin", description = "Administer accounts and keys.",
      subcommands = {CreateUser.class, GrantAdmin.class, RotateKeys.class})
  static final class Admin implements Callable<Integer> {
    @Override
    public Integer call() {
      CommandLine.usage(this, System.out);
      return 0;
    }
  }

  @Command(name = "create-user", description = "Create a person's account. The password is read from standard input unless --password is given.")
  static final class CreateUser implements Callable<Integer> {
    @CommandLine.Mixin
    ConfigOptions config = new ConfigOptions();

    @Option(names = "--username", required = true)
    String username;

    @Option(names = "--display-name")
    String displayName;

    @Option(names = "--password", description = "Avoid on shared machines (it shows in the process list); prefer standard input.")
    String password;

    @Option(names = "--admin", description = "Grant the admin role.")
    boolean admin;

    @Override
    public Integer call() throws IOException {
      String pw = password != null ? password : readPassword();
      try (Offline offline = Offline.open(config.load(Map.of()))) {
        User u = offline.auth.accounts().createPerson(username, pw, Optional.ofNullable(displayName), admin);
        System.out.println("created user " + u.username() + " (id " + u.id() + (u.admin() ? ", admin" : "") + ")");
      }
      return 0;
    }

    private static String readPassword() throws IOException {
      if (System.console() != null) {
        char[] pw = System.console().readPassword("Password: ");
        return pw == null ? "" : new String(pw);
      }
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      String line = in.readLine();
      return line == null ? "" : line;
    }
  }

  @Command(name = "grant-admin", description = "Grant (or with --revoke, remove) the admin role.")
  static final class GrantAdmin implements Callable<Integer> {
    @CommandLine.Mixin
    ConfigOptions config = new ConfigOptions();

    @Parameters(index = "0", description = "Username")
    String username;

    @Option(names = "--revoke")
    boolean revoke;

    @Override
    public Integer call() {
      try (Offline offline = Offline.open(config.load(Map.of()))) {
        User u = offline.auth.accounts().requireByUsername(username);
        offline.auth.accounts().setAdmin(u.id(), !revoke);
        System.out.println((revoke ? "removed admin role from " : "granted admin role to ") + u.username());
      }
      return 0;
    }
  }

  @Command(name = "rotate-keys", description = "Start signing with a new key; the previous one keeps verifying for auth.signing-key-grace.")
  static final class RotateKeys implements Callable<Integer> {
    @CommandLine.Mixin
    ConfigOptions config = new ConfigOptions();

    @Override
    public Integer call() {
      try (Offline offline = Offline.open(config.load(Map.of()))) {
        SigningKeyRing.Rotation r = offline.auth.keyRing().rotate();
        System.out.println("now signing with key " + r.kid() + "; previous keys " + r.previousKids()
            + " verify until " + r.previousVerifyUntil() + ". Running servers pick the new key up within auth.signing-key-refresh.");
      }
      return 0;
    }
  }

  @Command(name = "version", description = "Print the version.")
  static final class VersionCommand implements Callable<Integer> {
    @Override
    public Integer call() {
      System.out.println("UltraChat " + version() + " (Java " + Runtime.version() + ")");
      return 0;
    }
  }

  /** The services' data opened without serving, for the maintenance commands. Migrates on open. */
  static final class Offline implements AutoCloseable {
    final Database db;
    final AuthModule auth;
    final String url;

    private Offline(Database db, AuthModule auth, String url) {
      this.db = db;
      this.auth = auth;
      this.url = url;
    }

    static Offline open(Settings settings) {
      DatabaseChoice choice = DatabaseChoice.forService(settings, io.ultrachat.auth.AuthSettings.DATABASE_URL.key(),
          settings.get(io.ultrachat.auth.AuthSettings.DATABASE_URL));
      Database db = Database.open("auth", choice.settingName(), choice.url(), 2, settings.get(ServerSettings.DATABASE_CONNECT_TIMEOUT));
      try {
        Clock clock = Clock.systemUTC();
        return new Offline(db, new AuthModule(settings, db, clock, new IdGenerator(clock, settings.get(ServerSettings.NODE_ID))),
            choice.url().toString());
      } catch (RuntimeException e) {
        db.close();
        throw e;
      }
    }

    @Override
    public void close() {
      db.close();
    }
  }

}

package io.ultrachat.chat;

import io.ultrachat.auth.api.UserDirectory;
import io.ultrachat.chat.attachment.AttachmentLimits;
import io.ultrachat.chat.attachment.AttachmentRoutes;
import io.ultrachat.chat.attachment.AttachmentService;
import io.ultrachat.chat.attachment.JdbcAttachmentStore;
import io.ultrachat.chat.conversation.ConversationRoutes;
import io.ultrachat.chat.conversation.ConversationService;
import io.ultrachat.chat.conversation.JdbcConversationStore;
import io.ultrachat.chat.invite.InviteRoutes;
import io.ultrachat.chat.invite.InviteService;
import io.ultrachat.chat.invite.JdbcInviteStore;
import io.ultrachat.chat.message.ExtrasStore;
import io.ultrachat.chat.message.JdbcMessageStore;
import io.ultrachat.chat.message.MentionParser;
import io.ultrachat.chat.message.ReactionPinRoutes;
import io.ultrachat.chat.message.ReactionPinService;
import io.ultrachat.chat.message.MessagePartitions;
import io.ultrachat.chat.message.MessageRetention;
import io.ultrachat.chat.message.MessageRoutes;
import io.ultrachat.chat.message.MessageService;
import io.ultrachat.chat.workspace.JdbcWorkspaceStore;
import io.ultrachat.chat.workspace.WorkspaceRoutes;
import io.ultrachat.chat.workspace.WorkspaceService;
import io.ultrachat.chat.conversation.CachedConversationStore;
import io.ultrachat.chat.conversation.ConversationStore;
import io.ultrachat.chat.message.CachedMessageStore;
import io.ultrachat.chat.message.MessageStore;
import io.ultrachat.chat.preferences.CachedPreferenceStore;
import io.ultrachat.chat.preferences.JdbcPreferenceStore;
import io.ultrachat.chat.preferences.PreferenceRoutes;
import io.ultrachat.chat.preferences.PreferenceService;
import io.ultrachat.chat.preferences.PreferenceStore;
import io.ultrachat.chat.search.SearchIndexCleaner;
import io.ultrachat.chat.search.SearchRoutes;
import io.ultrachat.chat.search.SearchService;
import io.ultrachat.chat.search.SearchStore;
import io.ultrachat.chat.workspace.CachedWorkspaceStore;
import io.ultrachat.chat.workspace.WorkspaceStore;
import io.ultrachat.kernel.blob.BlobStore;
import io.ultrachat.kernel.bus.Bus;
import io.ultrachat.kernel.cache.CacheFactory;
import com.fasterxml.jackson.core.type.TypeReference;
import io.ultrachat.kernel.cache.JsonCacheCodec;
import io.ultrachat.chat.conversation.Conversation;
import io.ultrachat.chat.conversation.ConversationMember;
import io.ultrachat.chat.workspace.WorkspaceMember;
import io.ultrachat.chat.preferences.Preferences;
import io.ultrachat.kernel.cache.CachePolicy;
import io.ultrachat.kernel.cache.CacheSettings;
import io.ultrachat.kernel.config.Setting;
import io.ultrachat.kernel.config.Settings;
import io.ultrachat.kernel.http.Endpoint;
import io.ultrachat.kernel.http.ServiceEndpoints;
import io.ultrachat.kernel.id.IdGenerator;
import io.ultrachat.store.jdbc.Database;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Chat service assembled on its database: stores, services, REST endpoints, the daily
 * maintenance (message partitions months ahead and retention that PostgreSQL needs, the purge of
 * long-expired workspace invites), and on PostgreSQL the search index's {@link SearchIndexCleaner}.
 */
public final class ChatModule implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ChatModule.class);

  private final List<ServiceEndpoints> routes;
  private final MessagePartitions partitions;
  private final Optional<Duration> retention;
  private final Clock clock;
  private final ChatRealtime realtime;
  private final InviteService invites;
  private final AttachmentService attachments;
  private final CachedMessageStore cachedMessages;
  private final MessageRetention workspaceRetention;
  private final Optional<SearchIndexCleaner> searchIndexCleaner;
  private final ScheduledExecutorService maintenance = Executors.newSingleThreadScheduledExecutor(
      Thread.ofPlatform().name("chat-maintenance").daemon(true).factory());

  /** @param blobs where attachment bytes live */
  public ChatModule(Settings settings, Database db, Clock clock, IdGenerator ids, UserDirectory users, Bus bus, CacheFactory caches,
      BlobStore blobs) {
    this.clock = clock;
    db.migrate("chat");
    String rawRetention = settings.get(ChatSettings.MESSAGE_RETENTION).strip();
    try {
      this.retention = rawRetention.isEmpty() ? Optional.empty() : Optional.of(Setting.parseDuration(rawRetention));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("invalid setting " + ChatSettings.MESSAGE_RETENTION.key() + ": " + e.getMessage(), e);
    }
    this.partitions = new MessagePartitions(db, clock, settings.get(ChatSettings.PARTITION_MONTHS_AHEAD));
    partitions.ensureAhead();

    // Stores, with their cache decorators. Layer order: cache → JDBC; writes invalidate in the decorator.
    CachePolicy memberships = CacheSettings.policy(settings, CacheSettings.MEMBERSHIPS);
    CachePolicy recentMessages = CacheSettings.policy(settings, CacheSettings.CHAT_MESSAGES);
    // Memberships, versions and preferences are shared between nodes when the factory has a
    // shared tier (codecs) and invalidated everywhere on write; history ranges stay on each node,
    // because their keys carry the conversation's version and a stale tail end is detected on read.
    WorkspaceStore workspaceStore = new CachedWorkspaceStore(new JdbcWorkspaceStore(db),
        caches.create(new CachePolicy("workspace-memberships", memberships.ttl(), memberships.maxItems(), memberships.invalidation()),
            JsonCacheCodec.of(WorkspaceMember.class)),
        caches.create(new CachePolicy("user-workspaces", memberships.ttl(), memberships.maxItems(), memberships.invalidation()),
            JsonCacheCodec.of(new TypeReference<List<Long>>() {})));
    ConversationStore conversationStore = new CachedConversationStore(new JdbcConversationStore(db),
        caches.create(new CachePolicy("conversation-memberships", memberships.ttl(), memberships.maxItems(), memberships.invalidation()),
            JsonCacheCodec.of(ConversationMember.class)),
        caches.create(new CachePolicy("conversations", memberships.ttl(), memberships.maxItems(), memberships.invalidation()),
            JsonCacheCodec.of(Conversation.class)));
    CachedMessageStore messageStore = new CachedMessageStore(new JdbcMessageStore(db, partitions), caches.createLocal(recentMessages),
        caches.create(new CachePolicy("chat-message-versions", recentMessages.ttl(), recentMessages.maxItems(), CachePolicy.Invalidation.SIZE),
            JsonCacheCodec.of(Long.class)));
    WorkspaceService workspaces = new WorkspaceService(workspaceStore, conversationStore, users, ids, clock);
    ChatEvents events = new ChatEvents(bus);
    ExtrasStore extras = new ExtrasStore(db);
    ConversationService conversations = new ConversationService(conversationStore, workspaces, workspaceStore, ids, clock, events, extras);
    this.attachments = new AttachmentService(new JdbcAttachmentStore(db), blobs, conversations, ids, clock,
        AttachmentLimits.from(settings));
    MessageService messages = new MessageService(messageStore, conversations, ids, clock, events, extras,
        new MentionParser(users, conversationStore), attachments);
    ReactionPinService reactionsAndPins = new ReactionPinService(messageStore, extras, conversations, ids, clock, events);
    this.realtime = new ChatRealtime(conversationStore, conversations, messages, messageStore, events, workspaces, workspaceStore);
    this.invites = new InviteService(new JdbcInviteStore(db), workspaces, ids, clock);
    PreferenceStore preferenceStore = new CachedPreferenceStore(new JdbcPreferenceStore(db),
        caches.create(CacheSettings.policy(settings, CacheSettings.USER_PREFERENCES), JsonCacheCodec.of(Preferences.class)));
    PreferenceService preferences = new PreferenceService(preferenceStore, conversations, clock);
    this.routes = List.of(new WorkspaceRoutes(workspaces), new ConversationRoutes(conversations),
        new MessageRoutes(messages), new InviteRoutes(invites), new PreferenceRoutes(preferences),
        new ReactionPinRoutes(reactionsAndPins, messages), new AttachmentRoutes(attachments),
        new SearchRoutes(new SearchService(workspaces, conversations, messageStore, SearchStore.on(db)), messages));
    this.cachedMessages = messageStore;
    this.workspaceRetention = new MessageRetention(db, workspaceStore, clock, messageStore::invalidate);
    maintenance.scheduleWithFixedDelay(this::maintain, 1, 24 * 60, TimeUnit.MINUTES);
    this.searchIndexCleaner = SearchIndexCleaner.start(db);
  }

  /**
   * Creates partitions ahead, applies retention (global partition drops, then each workspace's
   * policy), purges long-expired invites and attachments nobody posted or whose message is gone;
   * runs daily and at start, and is safe to run any time.
   */
  public void maintain() {
    try {
      partitions.ensureAhead();
      retention.ifPresent(r -> {
        if (!partitions.dropEndingBefore(clock.instant().minus(r)).isEmpty()) {
          cachedMessages.invalidateAll();
        }
      });
    } catch (RuntimeException e) {
      LOG.error("chat maintenance failed; it will run again tomorrow", e);
    }
    try {
      workspaceRetention.run();
    } catch (RuntimeException e) {
      LOG.error("per-workspace message retention failed; it will run again tomorrow", e);
    }
    try {
      int purged = invites.purgeExpired();
      if (purged > 0) {
        LOG.info("purged {} long-expired workspace invites", purged);
      }
    } catch (RuntimeException e) {
      LOG.error("purging expired invites failed; it will run again tomorrow", e);
    }
    try {
      // After retention, so attachments of the messages it removed go in the same run.
      int purged = attachments.purge();
      if (purged > 0) {
        LOG.info("purged {} unclaimed or orphaned attachments", purged);
      }
    } catch (RuntimeException e) {
      LOG.error("purging attachments failed; it will run again tomorrow", e);
    }
  }

  /** The Chat service as the realtime edge uses it. */
  public ChatRealtime realtime() {
    return realtime;
  }

  public MessagePartitions partitions() {
    return partitions;
  }

  public List<Endpoint> endpoints() {
    return routes.stream().flatMap(r -> r.endpoints().stream()).toList();
  }

  @Override
  public void close() {
    maintenance.shutdownNow();
    searchIndexCleaner.ifPresent(SearchIndexCleaner::close);
  }
}

package io.ultrachat.kernel.config;

import java.util.List;

/** The settings one module understands. The server unions every module's catalog. */
public interface SettingsCatalog {
  List<Setting<?>> settings();
}

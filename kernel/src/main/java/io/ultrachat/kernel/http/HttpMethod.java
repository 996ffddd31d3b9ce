package io.ultrachat.kernel.http;

public enum HttpMethod { GET, POST, PUT, PATCH, DELETE }

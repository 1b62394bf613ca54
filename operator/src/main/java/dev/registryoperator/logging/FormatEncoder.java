package dev.registryoperator.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.EncoderBase;
import java.util.Locale;

/**
 * The encoder that logback.xml names: {@code text} or {@code json}, both configured there, chosen
 * by {@code format} ({@code LOG_FORMAT}, case aside; empty is text). One appender whose encoder is
 * chosen, rather than one appender per format chosen by name, because logback warns about the one
 * not referenced and then prints its whole configuration status at every start. A format that is
 * neither logs as text, with a warning.
 */
public final class FormatEncoder extends EncoderBase<ILoggingEvent> {
  private String format = "text";
  private Encoder<ILoggingEvent> text;
  private Encoder<ILoggingEvent> json;
  private Encoder<ILoggingEvent> chosen;

  public void setFormat(String format) {
    this.format = format;
  }

  public void setText(Encoder<ILoggingEvent> text) {
    this.text = text;
  }

  public void setJson(Encoder<ILoggingEvent> json) {
    this.json = json;
  }

  @Override
  public void start() {
    String f = format == null ? "" : format.trim().toLowerCase(Locale.ROOT);
    if (f.isEmpty()) {
      f = "text";
    } else if (!f.equals("text") && !f.equals("json")) {
      addWarn("LOG_FORMAT [" + format + "] is neither text nor json: logging as text");
      f = "text";
    }
    chosen = f.equals("json") ? json : text;
    if (chosen == null) {
      addError("no <" + f + "> encoder configured");
      return;
    }
    super.start();
  }

  @Override
  public byte[] headerBytes() {
    return chosen.headerBytes();
  }

  @Override
  public byte[] encode(ILoggingEvent event) {
    return chosen.encode(event);
  }

  @Override
  public byte[] footerBytes() {
    return chosen.footerBytes();
  }
}

package dev.registryoperator.gcreport.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class GlobTest {
  @Test
  void aSingleStarStaysWithinOnePathSegment() {
    Pattern glob = Glob.compile("team/*");

    assertThat(glob.matcher("team/app").matches()).isTrue();
    assertThat(glob.matcher("team/").matches()).isTrue();
    assertThat(glob.matcher("team/app/cache").matches()).isFalse();
    assertThat(glob.matcher("other/app").matches()).isFalse();
  }

  @Test
  void aDoubleStarCrossesSegments() {
    assertThat(Glob.compile("team/**").matcher("team/app/cache").matches()).isTrue();
    assertThat(Glob.compile("team/**").matcher("team").matches()).isFalse();
    assertThat(Glob.compile("**/cache").matcher("team/app/cache").matches()).isTrue();
    assertThat(Glob.compile("**/cache").matcher("cache").matches()).isFalse();
    assertThat(Glob.compile("**").matcher("a/b/c").matches()).isTrue();
  }

  @Test
  void aQuestionMarkIsOneCharacterOfASegment() {
    Pattern glob = Glob.compile("app-?");

    assertThat(glob.matcher("app-1").matches()).isTrue();
    assertThat(glob.matcher("app-12").matches()).isFalse();
    assertThat(glob.matcher("app-/").matches()).isFalse();
  }

  @Test
  void everythingElseIsLiteral() {
    Pattern glob = Glob.compile("team.x/app+[1]");

    assertThat(glob.matcher("team.x/app+[1]").matches()).isTrue();
    assertThat(glob.matcher("teamax/app+[1]").matches()).isFalse();
    assertThat(Glob.compile("a\\E*").matcher("a\\Exyz").matches()).isTrue();
  }

  @Test
  void refusesEmptyGlobsAndThreeStars() {
    assertThatThrownBy(() -> Glob.compile("")).hasMessage("empty pattern");
    assertThatThrownBy(() -> Glob.compile("team/***"))
        .hasMessage(
            "'team/***' has three or more * in a row: use * (within one path segment)"
                + " or ** (across segments)");
  }
}

package dev.aigw.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigw.translate.canonical.ChatError;
import dev.aigw.translate.canonical.StreamEvent;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** OpenAI streams deltas without blocks: a block opens when the kind of delta changes. */
final class OpenAiChatStreamDecoder implements ProviderCodec.StreamDecoder {
    private boolean started;
    private boolean finished;
    private final Blocks blocks = new Blocks();
    private final Map<Integer, Integer> blockByTool = new HashMap<>();

    @Override
    public void decode(SseEvent e, List<StreamEvent> out) {
        if (e.isDone()) {
            blocks.close(out);
            if (finished) {
                out.add(new StreamEvent.End()); // [DONE] before a finish reason is a cut-off stream
            }
            return;
        }
        Optional<ObjectNode> parsed = Json.parseObject(e.data());
        if (parsed.isEmpty()) {
            return;
        }
        ObjectNode c = parsed.get();
        if (Json.present(c, "error")) {
            int status = c.path("error").path("code").asInt(500);
            blocks.close(out);
            out.add(new StreamEvent.Error(new ChatError(status >= 400 ? status : 500, Optional.empty(),
                    ErrorBodies.message(c, 500), Optional.empty())));
            return;
        }
        if (!started) {
            started = true;
            out.add(new StreamEvent.Start(Json.text(c, "id"), Json.text(c, "model").filter(m -> !m.isEmpty()), Usage.ZERO));
        }
        if (c.get("usage") instanceof ObjectNode u) {
            out.add(new StreamEvent.UsageUpdate(OpenAiChatProvider.usage(u)));
        }
        JsonNode choice = c.path("choices").path(0);
        JsonNode delta = choice.path("delta");
        Json.text(delta, "reasoning_content").filter(t -> !t.isEmpty())
                .ifPresent(t -> out.add(new StreamEvent.ThinkingDelta(blocks.ensure(StreamEvent.BlockKind.THINKING, out), t)));
        Json.text(delta, "content").or(() -> Json.text(delta, "refusal")).filter(t -> !t.isEmpty())
                .ifPresent(t -> out.add(new StreamEvent.TextDelta(blocks.ensure(StreamEvent.BlockKind.TEXT, out), t)));
        for (JsonNode call : delta.path("tool_calls")) {
            int tool = call.path("index").asInt(blockByTool.size());
            Integer block = blockByTool.get(tool);
            if (block == null) {
                block = blocks.openTool(Json.text(call, "id"), call.path("function").path("name").asText(), out);
                blockByTool.put(tool, block);
            }
            String args = call.path("function").path("arguments").asText("");
            if (!args.isEmpty()) {
                // OpenAI streams calls one after another; a late fragment still names its own block.
                out.add(new StreamEvent.ToolArgumentsDelta(block, args));
            }
        }
        Json.text(choice, "finish_reason").ifPresent(r -> {
            finished = true;
            blocks.close(out);
            out.add(new StreamEvent.Finish(OpenAiChatProvider.finish(r), Optional.empty()));
        });
    }
}

package dev.aigw.translate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The hand reading of Anthropic's other stream events ({@link AnthropicPlainEvents}) against the
 * parser's ({@link AnthropicIn#event}): what the stream decoder reads of the event is the same, or
 * the hand reading leaves the event to the parser.
 */
class AnthropicPlainEventsTest {

    /** Everything {@link AnthropicMessagesStreamDecoder} reads of an event, as text. */
    private static String decoderView(AnthropicIn.Event e) {
        JsonNode msg = e.rest("message");
        JsonNode block = e.rest("content_block");
        AnthropicStreamUsage m = new AnthropicStreamUsage();
        m.absorb(msg.path("usage"));
        AnthropicStreamUsage u = new AnthropicStreamUsage();
        u.absorb(e.rest("usage"));
        return String.join("|", String.valueOf(e.type), String.valueOf(e.index), e.deltaType, e.text, e.thinking, e.signature,
                e.partialJson, String.valueOf(e.stopReason), String.valueOf(e.stopSequence),
                String.valueOf(Json.text(msg, "id")), String.valueOf(Json.text(msg, "model")), m.usage().toString(),
                block.path("type").asText(), String.valueOf(Json.text(block, "id")), block.path("name").asText(),
                block.path("text").asText(""), String.valueOf(Json.text(block, "data")), u.usage().toString());
    }

    private static AnthropicIn.Event hand(String data) {
        byte[] a = data.getBytes(StandardCharsets.UTF_8);
        return AnthropicPlainEvents.read(a, 0, a.length);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{'type':'message_start','message':{'id':'msg_1','type':'message','role':'assistant','model':'claude-sonnet-4-5',"
                + "'content':[],'stop_reason':null,'stop_sequence':null,'usage':{'input_tokens':472,'cache_creation_input_tokens':0,"
                + "'cache_read_input_tokens':128,'output_tokens':2,'service_tier':'standard'}}}",
        "{'type':'message_start','message':{'usage':{'input_tokens':5}}}",
        "{'type':'message_start','message':{}}",
        "{'type':'content_block_start','index':0,'content_block':{'type':'text','text':''}}",
        "{'type':'content_block_start','index':1,'content_block':{'type':'text','text':'Hi \\\"there\\\" \\u00e9'}}",
        "{'type':'content_block_start','index':2,'content_block':{'type':'tool_use','id':'toolu_1','name':'get_weather','input':{}}}",
        "{'type':'content_block_start','index':0,'content_block':{'type':'thinking','thinking':'','signature':''}}",
        "{'type':'content_block_start','index':3,'content_block':{'type':'redacted_thinking','data':'EmwKAhgB'}}",
        "{'type':'content_block_start','index':4,'content_block':{'type':'server_tool_use','id':'srvtoolu_1','name':'web_search','input':{}}}",
        "{'type':'content_block_stop','index':0}",
        "{'index':7,'type':'content_block_stop'}",
        "{'type':'message_delta','delta':{'stop_reason':'end_turn','stop_sequence':null},'usage':{'output_tokens':15}}",
        "{'type':'message_delta','delta':{'stop_reason':'stop_sequence','stop_sequence':'END'},'usage':{'input_tokens':3,"
                + "'cache_read_input_tokens':1,'output_tokens':9,'server_tool_use':{'web_search_requests':1}}}",
        "{'type':'message_delta','delta':{},'usage':{}}",
        "{'type':'message_stop'}",
        "{'type': 'ping'}",
        " { \"type\" : \"ping\" , \"extra\" : [1, {\"a\": null}] } "
    })
    void readsWhatTheParserReads(String text) {
        String data = text.replace('\'', '"');
        AnthropicIn.Event h = hand(data);
        assertThat(h).as("read by hand: " + data).isNotNull();
        assertThat(decoderView(h)).as(data).isEqualTo(decoderView(AnthropicIn.event(data)));
        assertThat(decoderView(AnthropicIn.read(data))).as(data).isEqualTo(decoderView(AnthropicIn.event(data)));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{'type':'message_stop','type':'ping'}",
        "{'type':'content_block_stop','index':'3'}",
        "{'type':'content_block_stop','index':1.0}",
        "{'type':'content_block_stop','index':99999999999}",
        "{'type':'content_block_start','index':0,'content_block':{'type':'text','text':null}}",
        "{'type':'content_block_start','index':0,'content_block':{'type':'tool_use','id':'a','name':5}}",
        "{'type':'content_block_start','index':0,'content_block':{'type':'text','type':'tool_use','text':''}}",
        "{'type':'content_block_start','index':0,'content_block':'text'}",
        "{'type':'message_start','message':{'id':'a','id':'b'}}",
        "{'type':'message_start','message':{'model':7}}",
        "{'type':'message_start','message':{'usage':{'input_tokens':1.5}}}",
        "{'type':'message_start','message':{'usage':{'input_tokens':'3'}}}",
        "{'type':'message_start','message':{'usage':{'output_tokens':1,'output_tokens':2}}}",
        "{'type':'message_start','message':{'usage':null}}",
        "{'type':'message_delta','delta':{'stop_reason':3}}",
        "{'type':'message_delta','delta':{'stop_reason':'a','stop_reason':'b'}}",
        "{'type':'message_delta','delta':null}",
        "{'type':'message_delta','usage':{'output_tokens':1},'usage':{'output_tokens':2}}",
        "{'type':'error','error':{'type':'overloaded_error','message':'Overloaded'}}",
        "{'type':'content_block_delta','index':0,'delta':{'type':'text_delta','text':'x'}}",
        "{'type':'future_event'}",
        "{'type':7}",
        "{}",
        "{'typ\\u0065':'ping'}",
        "{'type':'ping'} trailing",
        "[]"
    })
    void leavesToTheParserWhatItCouldReadOtherwise(String text) {
        String data = text.replace('\'', '"');
        assertThat(hand(data)).as(data).isNull();
        AnthropicIn.Event parsed = AnthropicIn.event(data);
        if (parsed != null) {
            assertThat(decoderView(AnthropicIn.read(data))).as(data).isEqualTo(decoderView(parsed));
        }
    }
}

package dev.aigw.translate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigw.translate.canonical.ChatResponse;
import dev.aigw.translate.canonical.Part;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The streaming reading of Anthropic answers against a tree reading of the same text (the
 * gateway's reading before, kept here as the oracle): the same canonical answer for every odd
 * shape, from the bytes (repeated members included) and from the tree.
 */
class AnthropicInTest {

    /** What a tree reading makes of an answer: the last of a repeated member, path(..).asText() of each. */
    private static ChatResponse treeReading(ObjectNode up) {
        List<Part> content = new ArrayList<>();
        for (JsonNode b : up.path("content")) {
            content.add(AnthropicIn.treeBlock(b));
        }
        return new ChatResponse(Json.text(up, "id"), Json.text(up, "model"), content,
                AnthropicMessagesProvider.finish(Json.text(up, "stop_reason").orElse("end_turn")), Json.text(up, "stop_sequence"),
                AnthropicMessagesProvider.usage(up.path("usage")));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{'id':'msg_1','type':'message','role':'assistant','model':'claude','content':[{'type':'text','text':'Hi'}],"
                + "'stop_reason':'end_turn','stop_sequence':null,'usage':{'input_tokens':24,'output_tokens':14}}",
        "{'content':[{'text':'type second','type':'text'}]}",
        "{'content':[{'type':'text','text':'a','type':'tool_use','name':'n','id':'i','input':{'x':[1]}}]}",
        "{'content':[{'type':'tool_use','id':'i','type':'server_tool_use','name':'web','input':{'q':1},'extra':true}]}",
        "{'content':[{'type':'server_tool_use','id':'x','input':{}},{'type':'web_search_tool_result','content':[]}]}",
        "{'content':[{'type':'text','text':5},{'type':'text','text':null},{'type':'text','text':{'a':1}},{'type':'text'}]}",
        "{'content':[{'type':'thinking','thinking':'hm','signature':'sig','text':'no'},{'type':'thinking','signature':3}]}",
        "{'content':[{'type':'redacted_thinking','data':'abc'},{'type':7,'text':'x'},{}]}",
        "{'content':[{'type':'tool_use','id':5,'name':'f','input':[1]},{'type':'tool_use','input':{'a':{'b':null}},'input':'x'}]}",
        "{'content':{'a':{'type':'text','text':'object content'},'b':'x'}}",
        "{'content':'a string'}",
        "{'content':[1,'x',null,[{'type':'text'}]]}",
        "{'content':[{'type':'text','text':'a'}],'content':[{'type':'text','text':'b'}]}",
        "{'id':1,'model':['m'],'stop_reason':null,'stop_sequence':'END','usage':'none'}",
        "{'stop_reason':'tool_use','usage':{'input_tokens':1.9,'output_tokens':'3','cache_read_input_tokens':2,"
                + "'cache_creation_input_tokens':4,'input_tokens':7,'server_tool_use':{'web_search_requests':1}}}",
        "{'stop_reason':'max_tokens','usage':{'output_tokens':99999999999}}",
        "{}"
    })
    void readsWhatATreeReadingReads(String text) throws Exception {
        byte[] bytes = text.replace('\'', '"').getBytes(StandardCharsets.UTF_8);
        ObjectNode tree = (ObjectNode) Json.MAPPER.readTree(bytes);
        JsonNode want = CanonicalJson.of(treeReading(tree));
        ChatResponse fromBytes = Json.read(bytes, AnthropicIn::response).orElseThrow();
        assertThat(CanonicalJson.of(fromBytes)).as("from bytes").isEqualTo(want);
        assertThat(CanonicalJson.of(Json.read(tree, AnthropicIn::response))).as("from the tree").isEqualTo(want);
    }

    @ParameterizedTest
    @ValueSource(strings = {"[1]", "\"x\"", "", "  ", "{\"content\":", "{\"a\" 1}", "null", "5"})
    void notAnObjectIsNone(String text) {
        assertThat(Json.read(text.getBytes(StandardCharsets.UTF_8), AnthropicIn::response)).isEmpty();
        assertThat(AnthropicMessagesProvider.INSTANCE.decodeResponse(text.getBytes(StandardCharsets.UTF_8), null)).isEmpty();
    }
}

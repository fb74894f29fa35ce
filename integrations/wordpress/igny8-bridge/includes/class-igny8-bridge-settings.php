<?php
/**
 * Settings → IGNY8: the site's API key and the IGNY8 app URL.
 *
 * @package Igny8_Bridge
 */

defined( 'ABSPATH' ) || exit;

/**
 * Settings page and option accessors.
 */
class Igny8_Bridge_Settings {

	const PAGE  = 'igny8-bridge';
	const GROUP = 'igny8_bridge';

	/** Registers hooks. */
	public static function init() {
		add_action( 'admin_menu', array( __CLASS__, 'add_page' ) );
		add_action( 'admin_init', array( __CLASS__, 'register' ) );
		add_filter( 'plugin_action_links_' . plugin_basename( IGNY8_BRIDGE_FILE ), array( __CLASS__, 'action_links' ) );
	}

	/** The stored API key ('' when none). */
	public static function api_key() {
		return (string) get_option( IGNY8_BRIDGE_OPT_API_KEY, '' );
	}

	/** The stored IGNY8 app URL without a trailing slash ('' when none). */
	public static function app_url() {
		return untrailingslashit( (string) get_option( IGNY8_BRIDGE_OPT_APP_URL, '' ) );
	}

	/** Adds Settings → IGNY8. */
	public static function add_page() {
		add_options_page(
			__( 'IGNY8 Bridge', 'igny8-bridge' ),
			__( 'IGNY8', 'igny8-bridge' ),
			'manage_options',
			self::PAGE,
			array( __CLASS__, 'render' )
		);
	}

	/** Adds a "Settings" link on the Plugins screen. */
	public static function action_links( $links ) {
		$url = admin_url( 'options-general.php?page=' . self::PAGE );
		array_unshift( $links, '<a href="' . esc_url( $url ) . '">' . esc_html__( 'Settings', 'igny8-bridge' ) . '</a>' );
		return $links;
	}

	/** Registers both options with their sanitisers. */
	public static function register() {
		register_setting(
			self::GROUP,
			IGNY8_BRIDGE_OPT_API_KEY,
			array(
				'type'              => 'string',
				'sanitize_callback' => array( __CLASS__, 'sanitize_api_key' ),
				'default'           => '',
				'show_in_rest'      => false,
			)
		);
		register_setting(
			self::GROUP,
			IGNY8_BRIDGE_OPT_APP_URL,
			array(
				'type'              => 'string',
				'sanitize_callback' => array( __CLASS__, 'sanitize_app_url' ),
				'default'           => '',
				'show_in_rest'      => false,
			)
		);
	}

	/**
	 * Keeps printable ASCII without spaces. An empty field keeps the stored key (the form never shows it);
	 * the "remove" checkbox clears it.
	 */
	public static function sanitize_api_key( $value ) {
		// phpcs:ignore WordPress.Security.NonceVerification.Missing -- options.php checked the settings nonce.
		if ( ! empty( $_POST['igny8_bridge_remove_key'] ) ) {
			return '';
		}
		$value = preg_replace( '/[^\x21-\x7E]/', '', (string) $value );
		if ( '' === $value ) {
			return self::api_key();
		}
		if ( strlen( $value ) < 16 || strlen( $value ) > 256 ) {
			add_settings_error( IGNY8_BRIDGE_OPT_API_KEY, 'igny8_key_length', __( 'The API key must be 16 to 256 characters long; the previous key was kept.', 'igny8-bridge' ) );
			return self::api_key();
		}
		return $value;
	}

	/** Accepts an http(s) URL only; anything else keeps the stored value. */
	public static function sanitize_app_url( $value ) {
		$value = trim( (string) $value );
		if ( '' === $value ) {
			return '';
		}
		$url    = esc_url_raw( $value, array( 'http', 'https' ) );
		$parsed = wp_parse_url( $url );
		if ( '' === $url || empty( $parsed['host'] ) ) {
			add_settings_error( IGNY8_BRIDGE_OPT_APP_URL, 'igny8_bad_url', __( 'The IGNY8 app URL must start with http:// or https://; the previous URL was kept.', 'igny8-bridge' ) );
			return self::app_url();
		}
		return untrailingslashit( $url );
	}

	/** Renders the settings page. */
	public static function render() {
		if ( ! current_user_can( 'manage_options' ) ) {
			wp_die( esc_html__( 'You do not have permission to change these settings.', 'igny8-bridge' ) );
		}
		$key = self::api_key();
		?>
		<div class="wrap">
			<h1><?php esc_html_e( 'IGNY8 Bridge', 'igny8-bridge' ); ?></h1>
			<p><?php esc_html_e( 'Paste the API key of this site from IGNY8 (Settings → Integrations) and the address of your IGNY8 app.', 'igny8-bridge' ); ?></p>
			<form method="post" action="options.php">
				<?php settings_fields( self::GROUP ); ?>
				<table class="form-table" role="presentation">
					<tr>
						<th scope="row"><label for="igny8_bridge_api_key"><?php esc_html_e( 'Site API key', 'igny8-bridge' ); ?></label></th>
						<td>
							<input type="password" class="regular-text" id="igny8_bridge_api_key" name="<?php echo esc_attr( IGNY8_BRIDGE_OPT_API_KEY ); ?>" value="" autocomplete="off" />
							<p class="description">
								<?php
								if ( '' !== $key ) {
									/* translators: %s: last four characters of the stored key. */
									echo esc_html( sprintf( __( 'A key is set (ending in %s). Leave the field empty to keep it.', 'igny8-bridge' ), substr( $key, -4 ) ) );
								} else {
									esc_html_e( 'No key is set: IGNY8 cannot publish to this site yet.', 'igny8-bridge' );
								}
								?>
							</p>
							<?php if ( '' !== $key ) : ?>
								<label><input type="checkbox" name="igny8_bridge_remove_key" value="1" /> <?php esc_html_e( 'Remove the key', 'igny8-bridge' ); ?></label>
							<?php endif; ?>
						</td>
					</tr>
					<tr>
						<th scope="row"><label for="igny8_bridge_app_url"><?php esc_html_e( 'IGNY8 app URL', 'igny8-bridge' ); ?></label></th>
						<td>
							<input type="url" class="regular-text" id="igny8_bridge_app_url" name="<?php echo esc_attr( IGNY8_BRIDGE_OPT_APP_URL ); ?>" value="<?php echo esc_attr( self::app_url() ); ?>" placeholder="https://app.example.com" />
							<p class="description"><?php esc_html_e( 'Status changes of posts published from IGNY8 are reported to this address.', 'igny8-bridge' ); ?></p>
						</td>
					</tr>
				</table>
				<?php submit_button(); ?>
			</form>
			<h2><?php esc_html_e( 'Endpoints', 'igny8-bridge' ); ?></h2>
			<p><code><?php echo esc_html( rest_url( 'igny8/v1/publish' ) ); ?></code><br /><code><?php echo esc_html( rest_url( 'igny8/v1/status' ) ); ?></code></p>
			<p><?php echo esc_html( sprintf( /* translators: %s: version. */ __( 'Plugin version %s', 'igny8-bridge' ), IGNY8_BRIDGE_VERSION ) ); ?></p>
		</div>
		<?php
	}
}

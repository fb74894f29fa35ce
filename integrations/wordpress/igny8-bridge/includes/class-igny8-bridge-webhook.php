<?php
/**
 * Reports status changes of posts published from IGNY8 to
 * {app_url}/api/v1/integration/webhooks/wordpress/status/ (header X-IGNY8-API-KEY).
 *
 * Body: { post_id, content_id, task_id, status, previous_status, post_status, previous_post_status, post_url,
 * site_url, changed_at }. `status` / `previous_status` are IGNY8's names (publish → published, draft → draft,
 * pending → review, future → scheduled, private → completed, trash → archived); `post_status` /
 * `previous_post_status` are WordPress's own.
 *
 * @package Igny8_Bridge
 */

defined( 'ABSPATH' ) || exit;

/**
 * The transition_post_status hook.
 */
class Igny8_Bridge_Webhook {

	const PATH = '/api/v1/integration/webhooks/wordpress/status/';

	/** WordPress status → IGNY8 status. */
	const MAP = array(
		'publish' => 'published',
		'draft'   => 'draft',
		'pending' => 'review',
		'future'  => 'scheduled',
		'private' => 'completed',
		'trash'   => 'archived',
	);

	/** Registers hooks. */
	public static function init() {
		add_action( 'transition_post_status', array( __CLASS__, 'on_transition' ), 10, 3 );
	}

	/** IGNY8's name for a WordPress status, or null for statuses it does not track. */
	public static function map( $wp_status ) {
		return isset( self::MAP[ $wp_status ] ) ? self::MAP[ $wp_status ] : null;
	}

	/**
	 * Sends the webhook for posts carrying `_igny8_content_id`, unless the change comes from IGNY8's own publish
	 * request (IGNY8 already has that answer).
	 *
	 * @param string  $new_status New status.
	 * @param string  $old_status Previous status.
	 * @param WP_Post $post       Post.
	 */
	public static function on_transition( $new_status, $old_status, $post ) {
		if ( $new_status === $old_status || Igny8_Bridge_Publisher::$publishing || null === self::map( $new_status ) ) {
			return;
		}
		if ( ! $post instanceof WP_Post || 'post' !== $post->post_type ) {
			return;
		}
		$content_id = get_post_meta( $post->ID, '_igny8_content_id', true );
		$app_url    = Igny8_Bridge_Settings::app_url();
		$key        = Igny8_Bridge_Settings::api_key();
		if ( '' === $content_id || '' === $app_url || '' === $key ) {
			return;
		}
		$body = array(
			'post_id'              => (int) $post->ID,
			'content_id'           => (string) $content_id,
			'task_id'              => (string) get_post_meta( $post->ID, '_igny8_task_id', true ),
			'status'               => self::map( $new_status ),
			'previous_status'      => self::map( $old_status ),
			'post_status'          => $new_status,
			'previous_post_status' => $old_status,
			'post_url'             => (string) get_permalink( $post ),
			'site_url'             => home_url( '/' ),
			'changed_at'           => gmdate( 'c' ),
		);
		wp_remote_post(
			$app_url . self::PATH,
			array(
				'blocking'    => false,
				'timeout'     => 2,
				'redirection' => 0,
				'user-agent'  => 'IGNY8-Bridge/' . IGNY8_BRIDGE_VERSION . '; ' . home_url( '/' ),
				'headers'     => array(
					'Content-Type'    => 'application/json',
					'X-IGNY8-API-KEY' => $key,
				),
				'body'        => wp_json_encode( $body ),
			)
		);
	}
}
